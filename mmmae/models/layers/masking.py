"""MAE random masking: per-sample argsort of uniform noise, all on device."""
from typing import Optional, Tuple

import torch


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


def random_masking(tokens: torch.Tensor, mask_ratio: float,
                   noise: Optional[torch.Tensor] = None
                   ) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Keep a random subset of tokens per sample.

    Args:
        tokens: ``[N, L, D]`` patch tokens.
        mask_ratio: fraction of tokens removed.
        noise: optional ``[N, L]``; the tokens with the smallest noise are kept,
            so the same noise always gives the same mask.

    Returns:
        visible ``[N, len_keep, D]``, mask ``[N, L]`` (1 = removed, float32) and
        ids_restore ``[N, L]`` (the argsort that undoes the shuffle).
    """
    n, length, dim = tokens.shape
    keep = num_visible(length, mask_ratio)
    if noise is None:
        noise = torch.rand(n, length, device=tokens.device)
    elif noise.shape != (n, length):
        raise ValueError(f'noise must have shape {(n, length)}, got {tuple(noise.shape)}')
    ids_shuffle = torch.argsort(noise, dim=1)
    ids_restore = torch.argsort(ids_shuffle, dim=1)
    ids_keep = ids_shuffle[:, :keep]
    visible = torch.gather(tokens, 1, ids_keep.unsqueeze(-1).expand(-1, -1, dim))
    mask = (ids_restore >= keep).float()
    return visible, mask, ids_restore
