"""MAE over clips and band stacks: MAEVideoViT + MAEVideoDecoder + MAEVideoPixelHead in MAE."""
import pytest
import torch

from mmmae.models.heads import MAEVideoPixelHead
from mmmae.models.layers.masking import mask_layout
from mmmae.registry import MODELS
from mmmae.utils import register_all_modules

register_all_modules()
ARCH = dict(embed_dim=64, depth=2, num_heads=4, patch_size=8)


def video_mae(**backbone):
    torch.manual_seed(0)
    return MODELS.build(dict(
        type='MAE', backbone=dict(type='MAEVideoViT', arch=ARCH, num_frames=4, img_size=32,
                                  tubelet_size=2, **backbone),
        neck=dict(type='MAEVideoDecoder', decoder_embed_dim=32, decoder_depth=1, decoder_num_heads=4),
        head=dict(type='MAEVideoPixelHead'),
        data_preprocessor=dict(type='MAEDataPreprocessor', mean=[0.0], std=[1.0], to_rgb=False)))


@pytest.mark.parametrize('backbone', [
    dict(), dict(pos_embed='sincos_3d', masking='random', mask_ratio=0.75),
    dict(in_channels=6, band_groups=[[0, 1, 2], [3, 4, 5]], pos_embed='factorised',
         masking='group_independent', mask_ratio=0.75),
    dict(in_channels=6, band_groups=[[0, 1, 2], [3, 4, 5]], masking='group_consistent', mask_ratio=0.5)])
def test_a_training_step_learns_and_the_noise_fixes_the_mask(backbone):
    model = video_mae(**backbone)
    clips = torch.randn(2, backbone.get('in_channels', 3), 4, 32, 32)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    noise = torch.rand(2, *mask_layout(model.backbone.masking, model.backbone.token_grid)[::2])
    losses = []
    for _ in range(5):
        loss = model.loss(clips, noise)['loss']
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < losses[0]
    latent, mask, _ = model.backbone(clips, noise)
    assert latent.shape == (2, model.backbone.num_visible, 64)
    assert torch.equal(mask, model.backbone(clips, noise)[1])


def test_reconstruct_gives_clips_and_keeps_the_visible_pixels():
    model = video_mae().eval()
    clips = torch.rand(2, 3, 4, 32, 32) * 255
    out = model.reconstruct(clips)
    assert out['image'].shape == out['pasted'].shape == (2, 3, 4, 32, 32)
    assert out['mask'].shape == (2, 1, 4, 32, 32)
    visible = out['mask'].expand_as(clips) == 0
    torch.testing.assert_close(out['pasted'][visible], clips[visible])
    frames = out['mask'][:, 0]
    assert torch.equal(frames[:, 0], frames[:, 3])  # a tube: the same patches in every frame
    assert out['loss'].shape == (2,)


@pytest.mark.parametrize('norm_pix', ['tubelet_channel', 'tubelet', None])
@pytest.mark.parametrize('groups', [None, [[0, 2], [1, 3]]])
def test_head_round_trips_clips(norm_pix, groups):
    head = MAEVideoPixelHead(2, 4, 4, band_groups=groups, norm_pix=norm_pix,
                             channel_std=[0.2, 0.3, 0.4, 0.5] if norm_pix == 'tubelet_channel' else None)
    clips = torch.randn(2, 4, 4, 8, 12)
    patches = head.patchify(clips)
    assert patches.shape == (2, (2 if groups else 1) * 2 * 2 * 3, head.values_per_patch)
    assert torch.equal(head.unpatchify(patches, (4, 8, 12)), clips)
    torch.testing.assert_close(head.to_pixels(head.target(clips), clips), clips, atol=1e-5, rtol=1e-5)


def test_tubelet_channel_targets_are_normalised_per_channel():
    head = MAEVideoPixelHead(2, 4, 3)
    target = head.target(torch.randn(2, 3, 4, 8, 8) * 5 + 3).reshape(2, -1, 2 * 4 * 4, 3)
    torch.testing.assert_close(target.mean(dim=2), torch.zeros(2, 8, 3), atol=1e-5, rtol=0)
    torch.testing.assert_close(target.std(dim=2), torch.ones(2, 8, 3), atol=1e-4, rtol=0)


def test_wrong_clips_and_parts_are_named():
    model = video_mae()
    with pytest.raises(ValueError, match='built for .2, 4, 4.'):
        model.backbone(torch.randn(1, 3, 8, 32, 32))
    with pytest.raises(ValueError, match='MAE parts disagree'):
        MODELS.build(dict(type='MAE', backbone=dict(type='MAEVideoViT', arch=ARCH, num_frames=4,
                                                    img_size=32),
                          neck=dict(type='MAEVideoDecoder', decoder_embed_dim=32, decoder_depth=1,
                                    decoder_num_heads=4),
                          head=dict(type='MAEVideoPixelHead', tubelet_size=1)))
    with pytest.raises(ValueError, match='equal band groups'):
        MODELS.build(dict(type='MAEVideoDecoder', in_channels=5, num_groups=2))
    with pytest.raises(ValueError, match='norm_pix must be one of'):
        MAEVideoPixelHead(norm_pix='patch')
