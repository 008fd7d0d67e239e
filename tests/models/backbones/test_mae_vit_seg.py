"""MAEViTSeg in a real MMSegmentation UperNet: shapes, relative positions, checkpoint loading."""
import torch
from mmengine.config import ConfigDict
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample

from mmmae.models.backbones import MAEViTSeg
from mmmae.models.backbones.mae_vit_seg import default_out_indices
from mmmae.registry import MODELS
from _helpers import tiny_mae_cfg

TINY = dict(arch=dict(embed_dim=64, depth=4, num_heads=4), patch_size=8)


def test_feature_maps_of_the_chosen_blocks():
    encoder = MAEViTSeg(img_size=64, **TINY)
    maps = encoder(torch.randn(2, 3, 64, 64))
    assert encoder.out_indices == (0, 1, 2, 3)
    assert [tuple(m.shape) for m in maps] == [(2, 64, 8, 8)] * 4
    assert default_out_indices(12) == (3, 5, 7, 11) and default_out_indices(24) == (7, 11, 15, 23)
    with torch.device('meta'):
        base = MAEViTSeg(arch='b')
        maps = base(torch.zeros(1, 3, 512, 512))
    assert [tuple(m.shape) for m in maps] == [(1, 768, 32, 32)] * 4  # stride 16


def test_relative_position_tables_start_at_zero_and_resample_to_a_new_grid():
    small = MAEViTSeg(img_size=32, **TINY)  # 4x4 grid: 7x7 offsets
    table = small.blocks[0].attn.rel_pos.table
    assert table.shape == (49, 4) and torch.count_nonzero(table) == 0
    with torch.no_grad():
        for block in small.blocks:
            block.attn.rel_pos.table.normal_()
    large = MAEViTSeg(img_size=64, **TINY)  # 8x8 grid: 15x15 offsets
    missing, unexpected = large.load_state_dict(small.state_dict(), strict=False)
    assert not missing and not unexpected
    assert large.blocks[0].attn.rel_pos.table.shape == (225, 4)
    assert large.pos_embed.shape == (1, 65, 64)


def test_pretraining_checkpoint_loads_with_only_the_expected_differences(tmp_path):
    mae = MODELS.build(tiny_mae_cfg())  # 32x32, patch 8, 2 blocks
    path = tmp_path / 'pretrain.pth'
    torch.save(dict(state_dict=mae.state_dict()), path)
    encoder = MAEViTSeg(arch=dict(embed_dim=64, depth=2, num_heads=4), patch_size=8, img_size=64)
    state = {k[len('backbone.'):]: v for k, v in torch.load(path)['state_dict'].items()
             if k.startswith('backbone.')}
    missing, unexpected = encoder.load_state_dict(state, strict=False)
    assert sorted(missing) == ['blocks.0.attn.rel_pos.table', 'blocks.1.attn.rel_pos.table']
    assert sorted(unexpected) == ['norm.bias', 'norm.weight']  # the cls token is used
    torch.testing.assert_close(encoder.blocks[1].mlp.fc1.weight, mae.backbone.blocks[1].mlp.fc1.weight)


def test_with_its_cls_token_the_blocks_compute_what_the_pretraining_encoder_did():
    mae = MODELS.build(tiny_mae_cfg())  # 32x32, patch 8, 2 blocks
    with torch.no_grad():  # a trained-looking cls token, so that dropping it shows
        mae.backbone.cls_token.normal_(std=1.0)
    state = {k[len('backbone.'):]: v for k, v in mae.state_dict().items() if k.startswith('backbone.')}
    images = torch.randn(2, 3, 32, 32)
    with torch.no_grad():  # the pretraining encoder over every patch
        reference = mae.backbone.block_outputs(mae.backbone.patch_tokens(images), [0, 1])
        features = {}
        for cls_token in (True, False):
            encoder = MAEViTSeg(arch=dict(embed_dim=64, depth=2, num_heads=4), patch_size=8,
                                img_size=32, out_indices=(0, 1), cls_token=cls_token).eval()
            missing, unexpected = encoder.load_state_dict(state, strict=False)
            assert sorted(missing) == ['blocks.0.attn.rel_pos.table', 'blocks.1.attn.rel_pos.table']
            assert sorted(unexpected) == (['norm.bias', 'norm.weight'] if cls_token
                                          else ['cls_token', 'norm.bias', 'norm.weight'])
            features[cls_token] = [x.flatten(2).transpose(1, 2) for x in encoder(images)]
    for ours, theirs in zip(features[True], reference):  # the zero relative bias adds nothing
        torch.testing.assert_close(ours, theirs[:, 1:])
    gap = (features[False][0] - reference[0][:, 1:]).norm() / reference[0].norm()
    assert gap > 1e-3  # without the token every attention row is another softmax


def test_real_upernet_trains_a_step_and_predicts():
    bn = dict(type='BN', requires_grad=True)
    model = MODELS.build(dict(
        type='mmseg.EncoderDecoder',
        data_preprocessor=dict(type='mmseg.SegDataPreProcessor', mean=[0, 0, 0], std=[1, 1, 1],
                               size=(64, 64)),
        backbone=dict(type='MAEViTSeg', img_size=64, **TINY),
        neck=dict(type='mmseg.Feature2Pyramid', embed_dim=64, rescales=[4, 2, 1, 0.5],
                  norm_cfg=bn),
        decode_head=dict(type='mmseg.UPerHead', in_channels=[64] * 4, in_index=[0, 1, 2, 3],
                         channels=32, num_classes=5, norm_cfg=bn,
                         loss_decode=dict(type='mmseg.CrossEntropyLoss')),
        auxiliary_head=dict(type='mmseg.FCNHead', in_channels=64, in_index=2, channels=16,
                            num_convs=1, num_classes=5, norm_cfg=bn,
                            loss_decode=dict(type='mmseg.CrossEntropyLoss', loss_weight=0.4)),
        test_cfg=ConfigDict(mode='whole')))
    samples = []
    for _ in range(2):
        sample = SegDataSample()
        sample.gt_sem_seg = PixelData(data=torch.randint(0, 5, (1, 64, 64)))
        sample.set_metainfo(dict(img_shape=(64, 64), ori_shape=(64, 64), pad_shape=(64, 64)))
        samples.append(sample)
    data = model.data_preprocessor(dict(inputs=[torch.rand(3, 64, 64) * 255] * 2,
                                        data_samples=samples), True)
    losses = model(**data, mode='loss')
    total = sum(v for k, v in losses.items() if 'loss' in k)
    total.backward()
    assert model.backbone.blocks[0].attn.rel_pos.table.grad is not None
    model.eval()
    with torch.no_grad():
        pred = model(**model.data_preprocessor(dict(inputs=[torch.rand(3, 64, 64)],
                                                    data_samples=samples[:1])), mode='predict')
    assert pred[0].pred_sem_seg.data.shape == (1, 64, 64)
