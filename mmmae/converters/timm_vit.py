"""timm / official-MAE ViT layouts <-> mmmae.

mmmae names encoder parameters as timm and the official MAE code do, so the
conversion is a matter of prefixes: the encoder lives under ``backbone.``, the
decoder (official pretraining checkpoints) under ``neck.``, and a classifier's
linear layer is ``head.fc.`` in MMPretrain's ``LinearClsHead`` but ``head.`` in timm.
"""
from collections import OrderedDict
from typing import Dict, Tuple

import torch

from ..models.layers import known_num_heads
from .errors import MMMAE_MODEL
from .rename import RenameTable
from .shapes import grid_side, num_layers

# timm's encoder and classifier (MMPretrain's LinearClsHead names its linear head.fc)
TIMM_VIT = (RenameTable.same('cls_token', 'pos_embed', 'patch_embed.', 'blocks.', 'norm.', 'fc_norm.')
            .under('backbone.', '')
            + RenameTable([('head.fc.weight', 'head.weight'), ('head.fc.bias', 'head.bias')]))
# the decoder of the official MAE pretraining checkpoints
OFFICIAL_DECODER = RenameTable.same('mask_token', 'decoder_pos_embed', 'decoder_embed.', 'decoder_blocks.',
                                    'decoder_norm.', 'decoder_pred.').under('neck.', '')


def convert_timm_vit(state_dict: Dict[str, torch.Tensor]) -> 'OrderedDict[str, torch.Tensor]':
    """timm ``VisionTransformer`` or official MAE state dict -> mmmae keys.

    Encoder keys go under ``backbone.``, official decoder keys under ``neck.``,
    ``head.weight/bias`` to MMPretrain's ``head.fc.*``.
    """
    return (TIMM_VIT + OFFICIAL_DECODER).to_mmmae(state_dict, 'a timm/official MAE ViT state dict',
                                                  required='backbone.blocks.')


def convert_to_timm_vit(state_dict: Dict[str, torch.Tensor]
                        ) -> Tuple['OrderedDict[str, torch.Tensor]', dict]:
    """mmmae pretraining or classification state dict -> timm keys and ``VisionTransformer`` kwargs.

    The decoder of a pretraining checkpoint is dropped (timm has none). The kwargs
    (``img_size, patch_size, embed_dim, depth, num_heads, num_classes, global_pool,
    fc_norm``) rebuild the matching timm model; ``num_heads`` is known for mmmae's
    archs and must be added by the caller otherwise.
    """
    out = TIMM_VIT.from_mmmae(state_dict, MMMAE_MODEL, skip=('neck.', 'data_preprocessor.'),
                              required='backbone.patch_embed.proj.weight')
    return out, timm_kwargs(out)


def timm_kwargs(timm_state: Dict[str, torch.Tensor]) -> dict:
    """``VisionTransformer`` arguments read off a timm-layout state dict."""
    proj = timm_state['patch_embed.proj.weight']
    embed_dim, patch = proj.shape[0], proj.shape[-1]
    depth = num_layers(timm_state, 'blocks.')
    kwargs = dict(img_size=grid_side(timm_state['pos_embed']) * patch, patch_size=patch,
                  embed_dim=embed_dim, depth=depth, in_chans=proj.shape[1])
    heads = known_num_heads(embed_dim, depth)
    if heads:
        kwargs['num_heads'] = heads
    pooled = 'fc_norm.weight' in timm_state
    kwargs.update(global_pool='avg' if pooled else 'token', fc_norm=pooled,
                  num_classes=timm_state['head.weight'].shape[0] if 'head.weight' in timm_state else 0)
    return kwargs


TIMM_NAMES = {(192, 16): 'vit_tiny_patch16_224', (384, 16): 'vit_small_patch16_224',
              (768, 16): 'vit_base_patch16_224', (1024, 16): 'vit_large_patch16_224',
              (1280, 14): 'vit_huge_patch14_224'}


def timm_model_name(kwargs: dict) -> str:
    """timm's registry name of the arch; other shapes use ``vit_base_patch16_224`` + kwargs."""
    return TIMM_NAMES.get((kwargs['embed_dim'], kwargs['patch_size']), 'vit_base_patch16_224')
