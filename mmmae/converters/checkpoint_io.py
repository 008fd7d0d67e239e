"""Reading and writing what the converters take and give: checkpoint files, Hugging Face folders."""
import json
import os
from pathlib import Path
from typing import Dict, Optional

import torch

from mmmae.engine.atomic_io import atomic_write
from mmmae.engine.checkpoint import load_checkpoint_file

HF_WEIGHT_FILES = ('model.safetensors', 'pytorch_model.bin')


def weights_file(src: str) -> str:
    """``src`` itself, or the weights file in a folder written by ``save_pretrained``."""
    if not os.path.isdir(src):
        return src
    for name in HF_WEIGHT_FILES:
        if os.path.isfile(os.path.join(src, name)):
            return os.path.join(src, name)
    raise FileNotFoundError(f'{src} holds none of {HF_WEIGHT_FILES} (sharded checkpoints are not '
                            'supported; merge them first)')


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


def read_hf_config(src: str, config: Optional[str] = None) -> Optional[dict]:
    """The Hugging Face config.json ``config``, or else the one in or beside ``src``, as a
    dict; None when there is none."""
    if config is None:
        folder = src if os.path.isdir(src) else os.path.dirname(os.path.abspath(src))
        config = os.path.join(folder, 'config.json')
        if not os.path.isfile(config):
            return None
    with open(config) as f:
        return json.load(f)


def write_checkpoint(state_dict: Dict[str, torch.Tensor], path: str,
                     meta: Optional[dict] = None, wrap: bool = True) -> Path:
    """Save ``dict(state_dict=..., meta=...)`` (or the bare state dict) atomically."""
    content = dict(state_dict=state_dict, meta=meta or {}) if wrap else dict(state_dict)
    return atomic_write(path, lambda tmp: torch.save(content, tmp))


def write_hf_folder(state_dict: Dict[str, torch.Tensor], config, folder: str) -> Path:
    """A folder that ``from_pretrained`` loads: pytorch_model.bin, model.safetensors (when
    safetensors is installed) and the ``ViTMAEConfig`` ``config`` as config.json, each written
    atomically."""
    folder = Path(folder)
    state_dict = {k: v.contiguous() for k, v in state_dict.items()}
    atomic_write(folder / 'pytorch_model.bin', lambda tmp: torch.save(state_dict, tmp))
    try:
        from safetensors.torch import save_file
    except ImportError:  # only pytorch_model.bin then
        pass
    else:
        atomic_write(folder / 'model.safetensors',
                     lambda tmp: save_file(state_dict, tmp, metadata={'format': 'pt'}))
    atomic_write(folder / 'config.json', lambda tmp: Path(tmp).write_text(config.to_json_string()))
    return folder
