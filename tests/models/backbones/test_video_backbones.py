"""The clip / band-stack encoders for downstream tasks: MAEVideoViTEncoder (classification) and
MAEVideoViTSeg (segmentation) load a MAEVideoViT pretraining checkpoint completely and compute
the pretraining encoder's features; the clip batch mixing of ClipDataPreprocessor."""
import numpy as np
import pytest
import torch
from mmpretrain.structures import DataSample

from mmmae.engine import SafePretrainedInit
from mmmae.models.data_preprocessors import ClipCutMix, ClipDataPreprocessor
from mmmae.registry import MODELS
from mmmae.utils import register_all_modules

register_all_modules()
ARCH = dict(embed_dim=64, depth=3, num_heads=4, patch_size=8)
SHAPE = dict(arch=ARCH, num_frames=4, img_size=32, tubelet_size=2, in_channels=6,
             band_groups=[[0, 1, 2], [3, 4, 5]], pos_embed='sincos_3d')


@pytest.fixture(scope='module')
def pretrained(tmp_path_factory):
    torch.manual_seed(0)
    encoder = MODELS.build(dict(type='MAEVideoViT', masking='random', mask_ratio=0.75, **SHAPE))
    for param in encoder.parameters():  # not the init: every loaded value must show
        param.data.normal_()
    path = tmp_path_factory.mktemp('ckpt') / 'pre.pth'
    torch.save({'state_dict': {f'backbone.{k}': v for k, v in encoder.state_dict().items()}}, path)
    return encoder.eval(), path


def load(cfg, path):
    torch.manual_seed(1)
    model = MODELS.build(cfg)
    SafePretrainedInit(checkpoint=str(path), prefix='backbone.')(model)
    return model.eval()


def test_the_classification_encoder_loads_everything_and_gives_the_pretraining_features(pretrained):
    encoder, path = pretrained
    clips = torch.randn(2, 6, 4, 32, 32)
    with torch.no_grad():
        tokens = encoder(clips, mask=False)[0]
        normed = load(dict(type='MAEVideoViTEncoder', out_type='avg_normed', **SHAPE), path)
        assert torch.equal(normed(clips)[0], tokens.mean(1))
        raw = load(dict(type='MAEVideoViTEncoder', out_type='raw', **SHAPE), path)
        assert torch.equal(raw(clips)[0], tokens)
        pooled = load(dict(type='MAEVideoViTEncoder', **SHAPE), path)
    theirs = encoder.state_dict()
    for name, value in pooled.state_dict().items():  # every weight but the new fc_norm is loaded
        if not name.startswith('fc_norm'):
            assert torch.equal(value, theirs[name]), name


def test_a_frozen_encoder_has_no_gradients_and_stays_in_eval():
    encoder = MODELS.build(dict(type='MAEVideoViTEncoder', frozen=True, drop_path_rate=0.5, **SHAPE))
    encoder.train()
    assert not encoder.training and not any(p.requires_grad for p in encoder.parameters())
    assert not encoder(torch.randn(1, 6, 4, 32, 32))[0].requires_grad
    with pytest.raises(ValueError, match="out_type 'cls'"):
        MODELS.build(dict(type='MAEVideoViTEncoder', out_type='cls', **SHAPE))


def test_the_segmentation_backbone_averages_each_block_over_time_and_groups(pretrained):
    encoder, path = pretrained
    seg = load(dict(type='MAEVideoViTSeg', out_indices=(0, 2), **SHAPE), path)
    clips = torch.randn(2, 6, 4, 32, 32)
    with torch.no_grad():
        outputs = seg(clips)
        expected = encoder.block_outputs(encoder.patch_tokens(clips), [2])[0]
        # stacked as [N, T * C, H, W], channel t * C + c, as StackTimeInChannels writes it
        stacked = seg(clips.transpose(1, 2).reshape(2, 24, 32, 32))
    assert [tuple(x.shape) for x in outputs] == [(2, 64, 4, 4)] * 2
    # tokens (group, t, h, w): 2 groups x 2 tubelet steps averaged at each of the 4 x 4 places
    assert torch.allclose(outputs[1], expected.view(2, 4, 4, 4, 64).mean(1).permute(0, 3, 1, 2),
                          atol=1e-6)
    assert all(torch.equal(a, b) for a, b in zip(outputs, stacked))
    with pytest.raises(ValueError, match=r'\[N, 24, H, W\]'):
        seg(torch.randn(2, 18, 32, 32))
    with pytest.raises(ValueError, match='out_indices'):
        MODELS.build(dict(type='MAEVideoViTSeg', out_indices=(3,), **SHAPE))


def samples(labels):
    return [DataSample().set_gt_label(label) for label in labels]


def test_clip_cutmix_cuts_the_same_box_of_every_frame():
    clips = torch.arange(4.0).view(4, 1, 1, 1, 1).expand(4, 3, 4, 16, 16).contiguous()
    np.random.seed(0)
    torch.manual_seed(0)
    mixed, scores = ClipCutMix(alpha=1.0).mix(clips.clone(), torch.eye(4))
    changed = mixed != clips
    assert changed.any()
    for index, clip in enumerate(changed):
        assert (clip == clip[:1, :1]).all()  # one H x W box, the same in all channels and frames
        if clip.any():  # the clip's own label keeps the share of the area left uncut
            assert torch.allclose(1 - scores[index, index], clip.float().mean())


def test_the_clip_preprocessor_mixes_labels_into_scores_and_refuses_image_cutmix():
    mixing = dict(augments=[dict(type='Mixup', alpha=0.8), dict(type='ClipCutMix', alpha=1.0)])
    pre = ClipDataPreprocessor(mean=[0.0], std=[1.0], to_rgb=False, batch_augments=mixing,
                               num_classes=3)
    data = dict(inputs=[torch.rand(1, 2, 8, 8) for _ in range(4)], data_samples=samples([0, 1, 2, 1]))
    out = pre(data, training=True)
    scores = torch.stack([s.gt_score for s in out['data_samples']])
    assert scores.shape == (4, 3) and torch.allclose(scores.sum(1), torch.ones(4))
    assert not any('gt_score' in s for s in pre(dict(data, data_samples=samples([0, 1, 2, 1])))
                   ['data_samples'])  # not in evaluation
    with pytest.raises(ValueError, match='ClipCutMix'):
        ClipDataPreprocessor(batch_augments=dict(augments=[dict(type='CutMix', alpha=1.0)]),
                             num_classes=3)
    with pytest.raises(ValueError, match='num_classes'):
        ClipDataPreprocessor(batch_augments=mixing)
