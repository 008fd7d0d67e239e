"""Reading and writing the state dicts that the converters take and give."""
from pathlib import Path
from typing import Dict, Optional

import torch

from mmmae.engine.atomic_io import atomic_write
from mmmae.engine.checkpoint import load_checkpoint_file


def read_state_dict(path: str) -> Dict[str, torch.Tensor]:
    """The weights in ``path``, loaded safely.

    Accepts ``.safetensors`` files and torch checkpoints holding the weights at the
    top level or under ``state_dict`` (mmengine) or ``model`` (official MAE, DeiT).
    """
    if str(path).endswith('.safetensors'):
        from safetensors.torch import load_file
        return load_file(str(path))
    checkpoint = load_checkpoint_file(path)
    if isinstance(checkpoint, dict):
        for key in ('state_dict', 'model'):
            if isinstance(checkpoint.get(key), dict):
                return checkpoint[key]
        if all(isinstance(v, torch.Tensor) for v in checkpoint.values()):
            return checkpoint
    raise ValueError(f'{path} holds no state dict (looked for "state_dict", "model" and a plain '
                     'dict of tensors)')


def write_checkpoint(state_dict: Dict[str, torch.Tensor], path: str,
                     meta: Optional[dict] = None, wrap: bool = True) -> Path:
    """Save ``dict(state_dict=..., meta=...)`` (or the bare state dict) atomically."""
    content = dict(state_dict=state_dict, meta=meta or {}) if wrap else dict(state_dict)
    return atomic_write(path, lambda tmp: torch.save(content, tmp))
