"""Tubelet embedding, tubelet positions and the structured masks of video / multispectral MAE."""
import numpy as np
import pytest
import torch
from transformers.models.videomae.modeling_videomae import get_sinusoid_encoding_table

from mmmae.models.layers import (TubeletEmbed, random_masking, sinusoid_table, structured_masking,
                                 tubelet_position_embedding)
from mmmae.models.layers.masking import mask_layout


def test_the_1d_table_is_videomaes():
    torch.testing.assert_close(sinusoid_table(50, 64), get_sinusoid_encoding_table(50, 64),
                               rtol=0, atol=1e-6)


@pytest.mark.parametrize('kind', ['sinusoid_1d', 'sincos_3d', 'factorised'])
def test_every_position_of_a_grid_is_distinct(kind):
    positions = tubelet_position_embedding(kind, (4, 3, 5), 64)[0]
    assert positions.shape == (60, 64) and positions.dtype == torch.float32
    assert torch.cdist(positions, positions).add(torch.eye(60)).min() > 1e-3
    grouped = tubelet_position_embedding(kind, (4, 3, 5), 64, num_groups=3)[0]
    assert grouped.shape == (180, 64) and torch.cdist(grouped, grouped).add(torch.eye(180)).min() > 1e-3


def test_3d_positions_encode_time_apart_from_space():
    positions = tubelet_position_embedding('sincos_3d', (4, 3, 5), 64)[0].reshape(4, 15, 64)
    space = 64 // 16 * 6 * 2  # columns then rows
    assert torch.equal(positions[0, :, :space], positions[3, :, :space])  # space part, any time
    assert torch.equal(positions[:, 0, space:], positions[:, 7, space:])  # time part, any place


def test_unknown_positions_are_refused():
    with pytest.raises(ValueError, match="unknown position embedding 'learnt'"):
        tubelet_position_embedding('learnt', (1, 2, 2), 16)


def test_tubelet_embedding_is_a_conv3d_per_band_group():
    torch.manual_seed(0)
    clips = torch.randn(2, 6, 4, 16, 16)
    whole = TubeletEmbed(2, 8, 6, 32)
    assert whole(clips).shape == (2, 2 * 2 * 2, 32)
    grouped = TubeletEmbed(2, 8, 6, 32, band_groups=[[0, 1, 2], [3, 4, 5]])
    tokens = grouped(clips)
    assert tokens.shape == (2, 2 * 8, 32)
    expected = grouped.projs[1](clips[:, 3:]).flatten(2).transpose(1, 2)
    torch.testing.assert_close(tokens[:, 8:], expected)  # group-major order
    with pytest.raises(ValueError, match='exactly once'):
        TubeletEmbed(2, 8, 6, 32, band_groups=[[0, 1], [1, 2, 3, 4, 5]])
    with pytest.raises(ValueError, match='does not split into tubelets'):
        whole(torch.randn(1, 6, 3, 16, 16))
    with pytest.raises(ValueError, match='clips .N, 6, T, H, W.'):
        whole(torch.randn(1, 3, 4, 16, 16))


def test_random_masking_is_the_structured_one_without_structure():
    tokens, noise = torch.randn(3, 20, 8), torch.rand(3, 20)
    for ours, theirs in zip(random_masking(tokens, 0.75, noise),
                            structured_masking(tokens, 0.75, (1, 1, 20), 'random', noise[:, None])):
        assert torch.equal(ours, theirs)
    ids = torch.argsort(noise, dim=1)  # MAE's rule: the smallest noise is kept
    assert torch.equal(random_masking(tokens, 0.75, noise)[0], torch.gather(
        tokens, 1, ids[:, :5, None].expand(-1, -1, 8)))


def unmask(visible, mask, ids_restore):
    """Visible tokens back at their places, zeros elsewhere (what the decoder sees)."""
    n, length = mask.shape
    full = torch.cat([visible, visible.new_zeros(n, length - visible.shape[1], visible.shape[2])], 1)
    return torch.gather(full, 1, ids_restore[..., None].expand(-1, -1, visible.shape[2]))


@pytest.mark.parametrize('strategy', ['random', 'tube', 'group_independent', 'group_consistent'])
def test_structured_masks_have_their_layout_and_keep_their_tokens(strategy):
    groups, steps, space = 3, 4, 10
    tokens = torch.arange(groups * steps * space, dtype=torch.float32).reshape(1, -1, 1).repeat(2, 1, 1)
    visible, mask, ids_restore = structured_masking(tokens, 0.7, (groups, steps, space), strategy)
    restored = unmask(visible, mask, ids_restore)
    assert torch.equal(restored[mask == 0], tokens[mask == 0])  # each visible token at its place
    grid = mask.reshape(2, groups, steps, space)
    if strategy == 'tube':
        assert (grid == grid[:, :1, :1]).all() and (grid[:, 0, 0].sum(1) == 7).all()
    if strategy == 'group_consistent':
        assert (grid == grid[:, :1]).all() and (grid[:, 0].sum((1, 2)) == 28).all()
    if strategy == 'group_independent':
        assert (grid.sum((2, 3)) == 28).all() and not (grid == grid[:, :1]).all()
    if strategy == 'random':
        assert mask.sum(1).eq(120 - int(120 * 0.3)).all()
    blocks, shared, units = mask_layout(strategy, (groups, steps, space))
    noise = torch.rand(2, blocks, units)
    again = [structured_masking(tokens, 0.7, (groups, steps, space), strategy, noise) for _ in range(2)]
    assert all(torch.equal(a, b) for a, b in zip(*again))  # the same noise, the same mask


def test_tube_masking_counts_per_frame_as_videomae():
    """VideoMAE's tube masking keeps ``S - int(0.9 * S)`` patches of each frame: 20 of 196."""
    visible, mask, _ = structured_masking(torch.zeros(1, 8 * 196, 4), 0.9, (1, 8, 196), 'tube')
    assert visible.shape[1] == 8 * (196 - int(np.floor(0.9 * 196))) == 160


def test_bad_masking_arguments_are_named():
    tokens = torch.zeros(1, 12, 2)
    with pytest.raises(ValueError, match="unknown masking 'tubes'"):
        structured_masking(tokens, 0.5, (1, 3, 4), 'tubes')
    with pytest.raises(ValueError, match='token grid .1, 3, 5. has 15 tokens, the input 12'):
        structured_masking(tokens, 0.5, (1, 3, 5), 'tube')
    with pytest.raises(ValueError, match=r'tube masking noise must have shape \(1, 1, 4\)'):
        structured_masking(tokens, 0.5, (1, 3, 4), 'tube', torch.rand(1, 12))
