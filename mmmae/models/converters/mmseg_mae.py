"""mmmae encoders to MMSegmentation's own ``MAE`` backbone (``mmseg.models.backbones.MAE``).

MMSeg's MAE backbone is BEiT-shaped: layer scale (``gamma_1/2``) and a relative
position bias table in every layer, no final norm, MMCV-style names. An MAE encoder
maps onto it with layer scales of 1 and zero relative position biases (so the
function is unchanged and the biases start from zero, as the MAE/BEiT segmentation
recipe does); the final ``norm`` is left out because MMSeg's MAE has none.
"""
import re
from collections import OrderedDict
from typing import Dict, List, Tuple

import torch

from .errors import unknown_keys_error

_RULES: List[Tuple[str, str]] = [
    (r'^backbone\.(cls_token|pos_embed)$', r'\1'),
    (r'^backbone\.patch_embed\.proj\.', 'patch_embed.projection.'),
    (r'^backbone\.blocks\.(\d+)\.norm1\.', r'layers.\1.ln1.'),
    (r'^backbone\.blocks\.(\d+)\.norm2\.', r'layers.\1.ln2.'),
    (r'^backbone\.blocks\.(\d+)\.attn\.(qkv|proj)\.', r'layers.\1.attn.\2.'),
    (r'^backbone\.blocks\.(\d+)\.mlp\.fc1\.', r'layers.\1.ffn.layers.0.0.'),
    (r'^backbone\.blocks\.(\d+)\.mlp\.fc2\.', r'layers.\1.ffn.layers.1.'),
]
LEFT_OUT = ('backbone.norm.', 'backbone.fc_norm.', 'neck.', 'head.', 'data_preprocessor.')


def convert_to_mmseg_mae(state_dict: Dict[str, torch.Tensor], num_heads: int
                         ) -> 'OrderedDict[str, torch.Tensor]':
    """mmmae pretraining / classification state dict -> ``mmseg.models.backbones.MAE`` keys.

    Adds ``gamma_1/gamma_2`` = 1 and zero ``relative_position_bias_table`` per layer
    (its size depends on the patch grid and ``num_heads``).
    """
    out, unknown = OrderedDict(), []
    for key, value in state_dict.items():
        if key.startswith(LEFT_OUT):
            continue
        for pattern, repl in _RULES:
            new, count = re.subn(pattern, repl, key)
            if count:
                out[new] = value
                break
        else:
            unknown.append(key)
    if unknown or 'patch_embed.projection.weight' not in out:
        raise unknown_keys_error(unknown or list(state_dict), 'an mmmae MAE pretraining or '
                                 'MAEViTEncoder classification state dict')
    dim = out['patch_embed.projection.weight'].shape[0]
    side = int(round((out['pos_embed'].shape[1] - 1) ** 0.5))
    table_rows = (2 * side - 1) ** 2 + 3  # BEiT: relative offsets plus cls-to-token, token-to-cls, cls-to-cls
    for layer in sorted({int(k.split('.')[1]) for k in out if k.startswith('layers.')}):
        out[f'layers.{layer}.gamma_1'] = torch.ones(dim)
        out[f'layers.{layer}.gamma_2'] = torch.ones(dim)
        out[f'layers.{layer}.attn.relative_position_bias_table'] = torch.zeros(table_rows,
                                                                                num_heads)
    return out
