"""mmmae encoders to MMSegmentation's own ``MAE`` backbone (``mmseg.models.backbones.MAE``).

MMSeg's MAE backbone is BEiT-shaped: layer scale (``gamma_1/2``) and a relative
position bias table in every layer, no final norm, MMCV-style names. An MAE encoder
maps onto it with layer scales of 1 and zero relative position biases (so the
function is unchanged and the biases start from zero, as the MAE/BEiT segmentation
recipe does); the final ``norm`` is left out because MMSeg's MAE has none.
"""
from collections import OrderedDict
from typing import Dict

import torch

from .errors import MMMAE_MODEL
from .mmcv_vit import MMCV_VIT
from .shapes import grid_side, num_layers

MMSEG_MAE = MMCV_VIT.under('backbone.', '')
LEFT_OUT = ('backbone.norm.', 'backbone.fc_norm.', 'neck.', 'head.', 'data_preprocessor.')


def convert_to_mmseg_mae(state_dict: Dict[str, torch.Tensor], num_heads: int
                         ) -> 'OrderedDict[str, torch.Tensor]':
    """mmmae pretraining / classification state dict -> ``mmseg.models.backbones.MAE`` keys.

    Adds ``gamma_1/gamma_2`` = 1 and zero ``relative_position_bias_table`` per layer
    (its size depends on the patch grid and ``num_heads``).
    """
    out = MMSEG_MAE.from_mmmae(state_dict, MMMAE_MODEL, skip=LEFT_OUT,
                               required='backbone.patch_embed.proj.weight')
    dim = out['patch_embed.projection.weight'].shape[0]
    side = grid_side(out['pos_embed'])
    table_rows = (2 * side - 1) ** 2 + 3  # BEiT: relative offsets plus cls-to-token, token-to-cls, cls-to-cls
    for layer in range(num_layers(out, 'layers.')):
        out[f'layers.{layer}.gamma_1'] = torch.ones(dim)
        out[f'layers.{layer}.gamma_2'] = torch.ones(dim)
        out[f'layers.{layer}.attn.relative_position_bias_table'] = torch.zeros(table_rows,
                                                                                num_heads)
    return out
