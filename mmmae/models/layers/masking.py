"""MAE masking: per-sample argsort of uniform noise, all on device; random (MAE), tube (VideoMAE)
and per band group (SatMAE) masks as layouts of the same draw."""
from typing import Optional, Sequence, Tuple

import torch

MASKING_STRATEGIES = ('random', 'tube', 'group_independent', 'group_consistent')


def num_visible(num_patches: int, mask_ratio: float) -> int:
    """Patches kept per sample: ``int(L * (1 - ratio))``, checked to be in [1, L]."""
    if not 0.0 <= mask_ratio < 1.0:
        raise ValueError(f'mask_ratio must be in [0, 1), got {mask_ratio}; '
                         'MAE uses 0.75')
    keep = int(num_patches * (1 - mask_ratio))
    if keep < 1:
        raise ValueError(f'mask_ratio {mask_ratio} leaves no visible patch out of '
                         f'{num_patches}; lower the ratio or use smaller patches')
    return keep


def mask_layout(strategy: str, token_grid: Sequence[int]) -> Tuple[int, int, int]:
    """``(blocks, shared, units)`` of a strategy on tokens ordered ``(group, t, space)``
    (``token_grid = (groups, t, space)``): the noise draws ``units`` values in each of
    ``blocks`` independent blocks, and each unit's choice is shared by ``shared`` tokens.

    - ``random``: every token on its own (MAE);
    - ``tube``: one spatial mask for every time step (and group) (VideoMAE);
    - ``group_independent``: each band group masked on its own (SatMAE);
    - ``group_consistent``: the same ``(t, space)`` tokens masked in every group.
    """
    groups, steps, space = token_grid
    layouts = dict(random=(1, 1, groups * steps * space), tube=(1, groups * steps, space),
                   group_independent=(groups, 1, steps * space),
                   group_consistent=(1, groups, steps * space))
    if strategy not in layouts:
        raise ValueError(f'unknown masking {strategy!r}; use one of {MASKING_STRATEGIES}')
    return layouts[strategy]


def kept_units(strategy: str, units: int, mask_ratio: float) -> int:
    """Units kept per block: MAE's ``int(units * (1 - ratio))``, or for ``tube`` VideoMAE's
    ``units - int(units * ratio)`` (20 of 196 patches a frame at 0.9, where MAE's rule keeps 19)."""
    keep = num_visible(units, mask_ratio)
    return units - int(units * mask_ratio) if strategy == 'tube' else keep


def structured_masking(tokens: torch.Tensor, mask_ratio: float, token_grid: Sequence[int],
                       strategy: str = 'random', noise: Optional[torch.Tensor] = None
                       ) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Keep a random subset of tokens per sample, laid out as ``strategy`` says.

    Args:
        tokens: ``[N, L, D]``, ordered ``(group, t, space)`` with ``token_grid = (groups, t,
            space)`` (``(1, 1, L)`` for images).
        mask_ratio: fraction of each block's units removed (:func:`kept_units`).
        noise: optional ``[N, blocks, units]`` (:func:`mask_layout`; ``[N, L]`` also accepted
            for ``random``); the units with the smallest noise are kept, so the same noise
            always gives the same mask.

    Returns:
        visible ``[N, len_keep, D]``, mask ``[N, L]`` (1 = removed, float32) and ids_restore
        ``[N, L]`` (the argsort that puts visible + mask tokens back in token order).
    """
    n, length, dim = tokens.shape
    blocks, shared, units = mask_layout(strategy, token_grid)
    if blocks * shared * units != length:
        raise ValueError(f'token grid {tuple(token_grid)} has {blocks * shared * units} tokens, '
                         f'the input {length}')
    keep = kept_units(strategy, units, mask_ratio)
    if noise is None:
        noise = torch.rand(n, blocks, units, device=tokens.device)
    elif noise.shape == (n, length) and blocks == shared == 1:
        noise = noise.unsqueeze(1)
    elif noise.shape != (n, blocks, units):
        raise ValueError(f'{strategy} masking noise must have shape {(n, blocks, units)}, '
                         f'got {tuple(noise.shape)}')
    order = torch.argsort(noise, dim=-1)  # [N, blocks, units]
    # token index = block * (shared * units) + copy * units + unit
    offsets = (torch.arange(blocks, device=tokens.device)[:, None] * shared
               + torch.arange(shared, device=tokens.device)[None]) * units  # [blocks, shared]
    token_ids = offsets[None, :, :, None] + order[:, :, None, :]  # [N, blocks, shared, units]
    ids_shuffle = torch.cat([token_ids[..., :keep].reshape(n, -1),
                             token_ids[..., keep:].reshape(n, -1)], dim=1)
    ids_restore = torch.argsort(ids_shuffle, dim=1)
    len_keep = blocks * shared * keep
    visible = torch.gather(tokens, 1, ids_shuffle[:, :len_keep, None].expand(-1, -1, dim))
    mask = (ids_restore >= len_keep).float()
    return visible, mask, ids_restore


def random_masking(tokens: torch.Tensor, mask_ratio: float,
                   noise: Optional[torch.Tensor] = None
                   ) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """MAE's random masking of ``tokens [N, L, D]`` (``noise`` ``[N, L]``): see
    :func:`structured_masking`."""
    return structured_masking(tokens, mask_ratio, (1, 1, tokens.shape[1]), 'random', noise)


def restore_token_order(visible: torch.Tensor, mask_token: torch.Tensor,
                        ids_restore: torch.Tensor) -> torch.Tensor:
    """``[N, L, D]``: the ``visible`` tokens ``[N, len_keep, D]`` and a ``mask_token`` ``[1, 1, D]``
    for each removed one, put back in token order (the decoders' input)."""
    n, keep, dim = visible.shape
    mask_tokens = mask_token.to(visible.dtype).expand(n, ids_restore.shape[1] - keep, -1)
    return torch.gather(torch.cat([visible, mask_tokens], dim=1), 1,
                        ids_restore.unsqueeze(-1).expand(-1, -1, dim))
