import pytest
import torch

from mmmae.models.heads import MAEPixelHead


def test_patchify_round_trip_for_non_square_images():
    head = MAEPixelHead(patch_size=4)
    images = torch.randn(2, 3, 12, 20)
    patches = head.patchify(images)
    assert patches.shape == (2, 15, 48)
    assert torch.equal(head.unpatchify(patches, (3, 5)), images)


def test_patch_layout_is_rows_cols_channels_last():
    head = MAEPixelHead(patch_size=2)
    images = torch.arange(3 * 4 * 4, dtype=torch.float32).reshape(1, 3, 4, 4)
    first = head.patchify(images)[0, 0]
    expected = images[0, :, :2, :2].permute(1, 2, 0).reshape(-1)  # (p, q, c)
    assert torch.equal(first, expected)


def test_norm_pix_target_has_zero_mean_unit_variance_per_patch():
    head = MAEPixelHead(patch_size=4, norm_pix=True)
    target = head.target(torch.rand(2, 3, 8, 8) * 255)
    torch.testing.assert_close(target.mean(-1), torch.zeros(2, 4), atol=1e-5, rtol=0)
    torch.testing.assert_close(target.var(-1), torch.ones(2, 4), atol=1e-3, rtol=0)


@pytest.mark.parametrize('norm_pix', [True, False])
def test_loss_counts_masked_patches_only(norm_pix):
    head = MAEPixelHead(patch_size=4, norm_pix=norm_pix)
    images = torch.randn(1, 3, 8, 8)
    mask = torch.tensor([[1.0, 0.0, 1.0, 0.0]])
    pred = head.target(images).clone()
    assert head.loss(pred, images, mask) == 0
    pred[0, 1] += 5.0  # a visible patch: no effect
    assert head.loss(pred, images, mask) == 0
    pred[0, 0] += 2.0  # a masked patch: (2^2) averaged over 2 masked patches
    torch.testing.assert_close(head.loss(pred, images, mask), torch.tensor(2.0))


def test_to_pixels_inverts_the_target():
    head = MAEPixelHead(patch_size=4, norm_pix=True)
    images = torch.randn(2, 3, 8, 12)
    torch.testing.assert_close(head.to_pixels(head.target(images), images), images,
                               atol=1e-5, rtol=1e-5)
