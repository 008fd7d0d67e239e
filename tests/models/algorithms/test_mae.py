import pytest
import torch

from mmmae.registry import MODELS
from _helpers import tiny_mae_cfg


def test_loss_is_finite_and_backpropagates_to_encoder_and_decoder():
    model = MODELS.build(tiny_mae_cfg())
    data = model.data_preprocessor(dict(inputs=torch.randint(0, 255, (2, 3, 32, 32),
                                                             dtype=torch.uint8)), True)
    losses = model(**data, mode='loss')
    losses['loss'].backward()
    assert torch.isfinite(losses['loss'])
    assert model.backbone.blocks[0].attn.qkv.weight.grad.abs().sum() > 0
    assert model.neck.mask_token.grad.abs().sum() > 0


def test_predict_returns_reconstruction_and_mask_per_image():
    model = MODELS.build(tiny_mae_cfg()).eval()
    inputs = torch.randn(3, 3, 32, 32)
    samples = model(inputs, mode='predict')
    assert len(samples) == 3
    assert samples[0].reconstruction.shape == (3, 32, 32)
    mask = samples[0].mask
    assert mask.shape == (1, 32, 32) and mask.mean().item() == pytest.approx(0.75)
    assert float(samples[0].reconstruction_loss) >= 0


def test_reconstruct_pastes_visible_pixels_back():
    model = MODELS.build(tiny_mae_cfg()).eval()
    inputs = torch.randn(2, 3, 32, 32)
    out = model.reconstruct(inputs, torch.rand(2, 16))
    visible = out['mask'] == 0
    torch.testing.assert_close(out['pasted'].masked_select(visible.expand_as(out['pasted'])),
                               out['image'].masked_select(visible.expand_as(out['image'])))
    # every image has the same number of masked patches, so the mean of the per-image
    # losses is the batch loss for the same noise
    noise = torch.rand(2, 16)
    torch.testing.assert_close(model.reconstruct(inputs, noise)['loss'].mean(),
                               model.loss(inputs, noise)['loss'])


def test_tensor_mode_gives_unmasked_features():
    model = MODELS.build(tiny_mae_cfg()).eval()
    (tokens,) = model(torch.randn(2, 3, 32, 32), mode='tensor')
    assert tokens.shape == (2, 17, 64)


def test_neck_and_head_take_their_shape_from_the_backbone_and_mismatch_is_explained():
    cfg = tiny_mae_cfg()
    model = MODELS.build(cfg)
    assert model.neck.grid == (4, 4) and model.head.patch_size == 8
    cfg['head']['patch_size'] = 16
    with pytest.raises(ValueError, match='MAE parts disagree: head patch_size'):
        MODELS.build(cfg)
