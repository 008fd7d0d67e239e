"""CrossMAE's decoder in MAE: queries read only the visible tokens, training decodes and scores
a kept fraction of the masked patches (fixed by the mask's noise), eval decodes every patch."""
import pytest
import torch

from mmmae.models.necks import CrossMAEDecoder
from mmmae.registry import MODELS
from mmmae.utils import register_all_modules

register_all_modules()


def cross_mae(kept_mask_ratio=0.25):
    torch.manual_seed(0)
    return MODELS.build(dict(
        type='MAE', backbone=dict(type='MAEViT', arch='demo', img_size=32, mask_ratio=0.75),
        neck=dict(type='CrossMAEDecoder', decoder_embed_dim=64, decoder_depth=2, decoder_num_heads=4,
                  kept_mask_ratio=kept_mask_ratio),
        head=dict(type='MAEPixelHead', norm_pix=False),
        data_preprocessor=dict(type='MAEDataPreprocessor', mean=[0.0] * 3, std=[1.0] * 3)))


def test_training_decodes_the_kept_masked_patches_and_each_query_alone():
    model = cross_mae()
    images, noise = torch.randn(2, 3, 32, 32), torch.rand(2, 64)
    latent, mask, ids_restore = model.backbone(images, noise)
    neck = model.neck.train()
    pred = neck(latent, ids_restore)
    scored = neck.loss_mask(mask, ids_restore, latent)
    decoded = pred.abs().sum(-1) > 0
    assert torch.equal(decoded, scored.bool()) and (scored.sum(1) == 16).all()  # 0.25 x 64
    assert (scored <= mask).all()  # only masked patches are decoded
    # the decoded subset is the first masked patches of the noise's order (lowest noise first)
    order = noise.argsort(1)
    assert torch.equal(scored.nonzero()[:, 1].view(2, 16).sort(1)[0], order[:, 16:32].sort(1)[0])
    with torch.no_grad():
        everything = neck.eval()(latent, ids_restore)
    # no query reads another: decoding all 64 gives the same rows as decoding the kept 16
    assert torch.allclose(everything[decoded], pred[decoded].detach(), atol=1e-6)
    assert torch.equal(neck.loss_mask(mask, ids_restore, latent), mask)  # eval scores every masked patch


def test_cross_mae_learns_and_reconstructs_every_patch():
    model = cross_mae()
    images = torch.randn(4, 3, 32, 32)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    noise = torch.rand(4, 64)
    losses = []
    for _ in range(8):
        loss = model.loss(images, noise)['loss']
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < losses[0]
    model.eval()
    out = model.reconstruct(images, noise)
    assert out['reconstruction'].shape == (4, 3, 32, 32) and out['loss'].shape == (4,)
    with torch.no_grad():
        latent, _, ids_restore = model.backbone(images, noise)
        assert (model.neck(latent, ids_restore).abs().sum(-1) > 0).all()  # every patch decoded


def test_fewer_decoder_flops_and_bad_ratios_named():
    from mmmae.apis import model_complexity
    from mmengine.config import Config
    standard = Config(dict(model=dict(
        type='MAE', backbone=dict(type='MAEViT', arch='demo', img_size=32),
        neck=dict(type='MAEDecoder', decoder_embed_dim=64, decoder_depth=2, decoder_num_heads=4),
        head=dict(type='MAEPixelHead', norm_pix=False))))
    cross = Config(dict(model=dict(standard.model, neck=dict(
        type='CrossMAEDecoder', decoder_embed_dim=64, decoder_depth=2, decoder_num_heads=4))))
    assert model_complexity(cross)['forward_flops'] < model_complexity(standard)['forward_flops']
    with pytest.raises(ValueError, match='kept_mask_ratio'):
        CrossMAEDecoder(img_size=32, patch_size=4, kept_mask_ratio=0.0)
    model = cross_mae(kept_mask_ratio=0.9)
    with pytest.raises(ValueError, match='only 48 are masked'):
        model.loss(torch.randn(1, 3, 32, 32))


def test_a_smaller_input_decodes_the_kept_fraction_of_its_own_patches():
    """Progressive resolution: 24 px gives 36 patches, 9 visible, 9 decoded (0.25 x 36)."""
    model = cross_mae().train()
    images = torch.randn(2, 3, 24, 24)
    latent, mask, ids_restore = model.backbone(images)
    pred = model.neck(latent, ids_restore, model.backbone.input_grid(images))
    scored = model.neck.loss_mask(mask, ids_restore, latent)
    assert pred.shape == (2, 36, 48) and (scored.sum(1) == 9).all()
    assert torch.equal(pred.abs().sum(-1) > 0, scored.bool())
    assert torch.isfinite(model.loss(images)['loss'])
