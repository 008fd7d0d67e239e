import numpy as np
import pytest
import torch

from mmmae.models.layers import resample_pos_embed, sincos_2d_position_embedding


def reference_sincos(dim: int, grid_h: int, grid_w: int) -> np.ndarray:
    """The paper code's formula written out in numpy (independent of mmmae)."""
    def one_d(d, pos):
        omega = 1.0 / 10000 ** (np.arange(d // 2, dtype=np.float64) / (d / 2.0))
        out = np.outer(pos.reshape(-1), omega)
        return np.concatenate([np.sin(out), np.cos(out)], axis=1)
    xs, ys = np.meshgrid(np.arange(grid_w, dtype=np.float32), np.arange(grid_h, dtype=np.float32))
    emb = np.concatenate([one_d(dim // 2, xs), one_d(dim // 2, ys)], axis=1)
    return np.concatenate([np.zeros((1, dim)), emb], axis=0)


@pytest.mark.parametrize('grid', [(14, 14), (16, 16), (4, 7)])
def test_matches_reference_formula(grid):
    ours = sincos_2d_position_embedding(grid, 64)
    assert ours.shape == (1, 1 + grid[0] * grid[1], 64)
    np.testing.assert_allclose(ours[0].numpy(), reference_sincos(64, *grid), atol=1e-6)


def test_dim_must_be_divisible_by_four():
    with pytest.raises(ValueError, match='divisible by 4'):
        sincos_2d_position_embedding((4, 4), 30)


def test_resample_same_grid_is_identity_and_new_grid_has_new_length():
    pos = sincos_2d_position_embedding((14, 14), 32)
    assert resample_pos_embed(pos, (14, 14), (14, 14)) is pos
    out = resample_pos_embed(pos, (14, 14), (28, 20))
    assert out.shape == (1, 1 + 28 * 20, 32)
    assert torch.equal(out[:, :1], pos[:, :1])
