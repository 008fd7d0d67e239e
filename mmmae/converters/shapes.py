"""What a state dict tells of its model's shape: layers, patch grid, decoder."""
from typing import Dict

import torch


def num_layers(state_dict: Dict[str, torch.Tensor], prefix: str) -> int:
    """How many layers ``prefix`` + index (``'backbone.blocks.'``) holds."""
    return len({key[len(prefix):].split('.')[0] for key in state_dict if key.startswith(prefix)})


def grid_side(pos_embed: torch.Tensor) -> int:
    """Patches per side of a square grid, from a position embedding with a cls slot first."""
    return int(round((pos_embed.shape[1] - 1) ** 0.5))


def has_decoder(state_dict: Dict[str, torch.Tensor]) -> bool:
    """Whether an mmmae state dict holds the MAE decoder (``neck.*``)."""
    return any(key.startswith('neck.') for key in state_dict)
