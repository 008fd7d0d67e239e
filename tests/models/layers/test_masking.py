import pytest
import torch

from mmmae.models.layers import num_visible, random_masking


@pytest.mark.parametrize('length,ratio', [(196, 0.75), (49, 0.75), (256, 0.9), (10, 0.0), (7, 0.5)])
def test_keeps_exactly_int_length_times_one_minus_ratio(length, ratio):
    tokens = torch.randn(3, length, 8)
    visible, mask, ids_restore = random_masking(tokens, ratio)
    keep = int(length * (1 - ratio))
    assert visible.shape == (3, keep, 8)
    assert mask.shape == (3, length) and mask.dtype == torch.float32
    assert torch.equal(mask.sum(1), torch.full((3,), float(length - keep)))


def test_visible_tokens_are_the_unmasked_ones_in_noise_order():
    tokens = torch.arange(2 * 16, dtype=torch.float32).reshape(2, 16, 1)
    noise = torch.rand(2, 16)
    visible, mask, ids_restore = random_masking(tokens, 0.75, noise)
    kept = torch.argsort(noise, dim=1)[:, :4]
    assert torch.equal(visible[..., 0], torch.gather(tokens[..., 0], 1, kept))
    for n in range(2):
        assert set(kept[n].tolist()) == set(torch.nonzero(mask[n] == 0).flatten().tolist())


def test_ids_restore_inverts_the_shuffle():
    noise = torch.rand(4, 49)
    tokens = torch.randn(4, 49, 3)
    _, _, ids_restore = random_masking(tokens, 0.75, noise)
    shuffled = torch.gather(tokens, 1, torch.argsort(noise, 1).unsqueeze(-1).expand(-1, -1, 3))
    restored = torch.gather(shuffled, 1, ids_restore.unsqueeze(-1).expand(-1, -1, 3))
    assert torch.equal(restored, tokens)


def test_same_noise_same_mask_and_default_noise_differs():
    tokens = torch.randn(2, 64, 4)
    noise = torch.rand(2, 64)
    a = random_masking(tokens, 0.75, noise)
    b = random_masking(tokens, 0.75, noise.clone())
    assert all(torch.equal(x, y) for x, y in zip(a, b))
    c = random_masking(tokens, 0.75)
    assert not torch.equal(a[1], c[1])


@pytest.mark.parametrize('ratio', [-0.1, 1.0, 1.5])
def test_ratio_outside_unit_interval_is_rejected(ratio):
    with pytest.raises(ValueError, match=r'mask_ratio must be in \[0, 1\)'):
        num_visible(196, ratio)


def test_ratio_leaving_no_visible_patch_is_rejected():
    with pytest.raises(ValueError, match='leaves no visible patch'):
        num_visible(4, 0.9)


def test_noise_of_wrong_shape_is_rejected():
    with pytest.raises(ValueError, match='noise must have shape'):
        random_masking(torch.randn(2, 16, 4), 0.75, torch.rand(2, 15))
