"""MMPretrain / MMSelfSup MAE checkpoints to mmmae's key layout.

mmmae names parameters as the official MAE code and timm do; MMPretrain uses
MMCV's (``layers.N.ln1``, ``ffn.layers.0.0``, ``patch_embed.projection``, ...).
Tensors are not changed, only renamed.
"""
from collections import OrderedDict
from typing import Dict

import torch

from .mmcv_vit import MMCV_BLOCK, MMCV_VIT
from .rename import RenameTable

MMPRETRAIN_MAE = (
    (MMCV_VIT + RenameTable([('norm.', 'ln1.')])).under('backbone.', 'backbone.')
    + (RenameTable.same('mask_token', 'decoder_pos_embed', 'decoder_embed.', 'decoder_pred.')
       + RenameTable([('decoder_norm.', 'ln1.')])
       + MMCV_BLOCK.under('decoder_blocks.{i}.', 'decoder_blocks.{i}.')).under('neck.', 'neck.'))


def convert_mmpretrain_mae(state_dict: Dict[str, torch.Tensor]) -> 'OrderedDict[str, torch.Tensor]':
    """Rename an MMPretrain ``MAE`` state dict (``backbone.``/``neck.`` keys) for mmmae's ``MAE``.

    A backbone-only state dict (keys without prefix, e.g. from a classifier) is
    read as ``backbone.``; the loss head and the data preprocessor are left out.
    Raises ``ValueError`` listing keys it does not know.
    """
    if not any(k.startswith(('backbone.', 'neck.')) for k in state_dict):
        state_dict = {f'backbone.{k}': v for k, v in state_dict.items()}
    return MMPRETRAIN_MAE.to_mmmae(state_dict, 'an MMPretrain / MMSelfSup MAE pretraining state dict',
                                   skip=('data_preprocessor.', 'head.'))
