"""MMPretrain / MMSelfSup MAE checkpoints to mmmae's key layout.

mmmae names parameters as the official MAE code and timm do; MMPretrain uses
its own (``layers.N.ln1``, ``ffn.layers.0.0``, ``patch_embed.projection``, ...).
Tensors are not changed, only renamed.
"""
import re
from collections import OrderedDict
from typing import Dict, List, Tuple

import torch

from .errors import unknown_keys_error

# (pattern on the MMPretrain key without its 'backbone.'/'neck.' prefix, replacement)
_BLOCK_RULES: List[Tuple[str, str]] = [
    (r'ln1\.', 'norm1.'),
    (r'ln2\.', 'norm2.'),
    (r'attn\.qkv\.', 'attn.qkv.'),
    (r'attn\.proj\.', 'attn.proj.'),
    (r'ffn\.layers\.0\.0\.', 'mlp.fc1.'),
    (r'ffn\.layers\.1\.', 'mlp.fc2.'),
]
_BACKBONE_RULES: List[Tuple[str, str]] = [
    (r'patch_embed\.projection\.', 'patch_embed.proj.'),
    (r'(cls_token|pos_embed)$', r'\1'),
    (r'ln1\.', 'norm.'),
    *[(r'layers\.(\d+)\.' + src, r'blocks.\1.' + dst) for src, dst in _BLOCK_RULES],
]
_NECK_RULES: List[Tuple[str, str]] = [
    (r'(decoder_embed\.|decoder_pred\.|mask_token$|decoder_pos_embed$)', r'\1'),
    (r'ln1\.', 'decoder_norm.'),
    *[(r'decoder_blocks\.(\d+)\.' + src, r'decoder_blocks.\1.' + dst) for src, dst in _BLOCK_RULES],
]
_RULES = {'backbone.': _BACKBONE_RULES, 'neck.': _NECK_RULES}


def _rename(key: str) -> str:
    for prefix, rules in _RULES.items():
        if key.startswith(prefix):
            rest = key[len(prefix):]
            for pattern, repl in rules:
                new, count = re.subn('^' + pattern, repl, rest)
                if count:
                    return prefix + new
    raise KeyError(key)


def convert_mmpretrain_mae(state_dict: Dict[str, torch.Tensor]) -> 'OrderedDict[str, torch.Tensor]':
    """Rename an MMPretrain ``MAE`` state dict (``backbone.``/``neck.`` keys) for mmmae's ``MAE``.

    A backbone-only state dict (keys without prefix, e.g. from a classifier) is
    read as ``backbone.``. Raises ``ValueError`` listing keys it does not know.
    """
    if not any(k.startswith(('backbone.', 'neck.')) for k in state_dict):
        state_dict = {f'backbone.{k}': v for k, v in state_dict.items()}
    converted, unknown = OrderedDict(), []
    for key, value in state_dict.items():
        if key.startswith(('data_preprocessor.', 'head.')) or key.endswith('num_batches_tracked'):
            continue  # buffers and loss modules carry no weights mmmae needs
        try:
            converted[_rename(key)] = value
        except KeyError:
            unknown.append(key)
    if unknown:
        raise unknown_keys_error(unknown, 'an MMPretrain / MMSelfSup MAE pretraining state dict')
    return converted
