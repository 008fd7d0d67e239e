"""Hugging Face ``ViTMAEConfig`` <-> the shape of an mmmae ``MAE``."""
import warnings
from typing import Dict, Optional

import torch

from .shapes import grid_side, has_decoder, num_layers


def hf_vitmae_config(state_dict: Dict[str, torch.Tensor], num_heads: int,
                     decoder_num_heads: Optional[int] = None, **overrides):
    """A ``transformers.ViTMAEConfig`` for an mmmae ``MAE`` state dict.

    Sizes are read off the tensor shapes; attention heads cannot be and are given.
    Defaults follow mmmae: ``layer_norm_eps=1e-6`` (HF's default is 1e-12),
    ``mask_ratio=0.75``, ``norm_pix_loss=True``; ``overrides`` replace them.
    """
    from transformers import ViTMAEConfig
    proj, pos_embed = state_dict['backbone.patch_embed.proj.weight'], state_dict['backbone.pos_embed']
    hidden, channels, patch = proj.shape[0], proj.shape[1], proj.shape[-1]
    side = grid_side(pos_embed)
    if side * side != pos_embed.shape[1] - 1:
        raise ValueError('ViTMAEConfig needs a square patch grid; the position embedding has '
                         f'{pos_embed.shape[1] - 1} patches')
    kwargs = dict(
        hidden_size=hidden, num_hidden_layers=num_layers(state_dict, 'backbone.blocks.'),
        num_attention_heads=num_heads,
        intermediate_size=state_dict['backbone.blocks.0.mlp.fc1.weight'].shape[0],
        image_size=side * patch, patch_size=patch, num_channels=channels, qkv_bias=True,
        hidden_act='gelu', layer_norm_eps=1e-6, mask_ratio=0.75, norm_pix_loss=True)
    decoder = has_decoder(state_dict)
    kwargs.update(hf_decoder_sizes(state_dict, decoder_num_heads) if decoder else {}, **overrides)
    config = ViTMAEConfig(**kwargs)
    config.architectures = ['ViTMAEForPreTraining' if decoder else 'ViTMAEModel']
    return config


def hf_decoder_sizes(state_dict: Dict[str, torch.Tensor], decoder_num_heads: Optional[int]) -> dict:
    """The decoder fields of a Hugging Face MAE config (ViTMAE's, VideoMAE's) read off an mmmae
    state dict's ``neck.*`` shapes; the heads, which the weights do not show, given."""
    if not decoder_num_heads:
        raise ValueError("the decoder's attention heads cannot be read off the weights; "
                         'pass decoder_num_heads')
    return dict(decoder_hidden_size=state_dict['neck.decoder_embed.weight'].shape[0],
                decoder_num_hidden_layers=num_layers(state_dict, 'neck.decoder_blocks.'),
                decoder_num_attention_heads=decoder_num_heads,
                decoder_intermediate_size=state_dict['neck.decoder_blocks.0.mlp.fc1.weight'].shape[0])


def saved_hf_config(state_dict: Dict[str, torch.Tensor], saved: dict,
                    num_heads: Optional[int] = None, decoder_num_heads: Optional[int] = None):
    """The ``ViTMAEConfig`` of an mmmae state dict converted from a Hugging Face model whose
    config.json held ``saved``: its heads unless given, its ``layer_norm_eps``, ``mask_ratio``
    and ``norm_pix_loss``."""
    num_heads = num_heads or saved.get('num_attention_heads')
    decoder_num_heads = decoder_num_heads or saved.get('decoder_num_attention_heads')
    if not num_heads or (has_decoder(state_dict) and not decoder_num_heads):
        raise ValueError('verifying needs the attention heads: give num_heads (--num-heads) and '
                         'decoder_num_heads (--decoder-num-heads), or a config.json')
    kept = {k: saved[k] for k in ('layer_norm_eps', 'mask_ratio', 'norm_pix_loss') if k in saved}
    if kept.get('layer_norm_eps', 1e-6) != 1e-6:
        warnings.warn(f'the Hugging Face config has layer_norm_eps={kept["layer_norm_eps"]}; mmmae '
                      'uses norm_eps=1e-6 unless the backbone/neck config sets it; verifying with '
                      "the config's value on both sides", stacklevel=2)
    return hf_vitmae_config(state_dict, num_heads, decoder_num_heads, **kept)


def mmmae_mae_shape(config) -> dict:
    """The arguments of :func:`~mmmae.converters.builders.build_mmmae_mae` for a
    ``ViTMAEConfig``: an mmmae ``MAE`` of the same shape."""
    if config.intermediate_size != 4 * config.hidden_size:
        raise ValueError(f'mmmae\'s encoder has MLP ratio 4; this model has intermediate_size '
                         f'{config.intermediate_size} for hidden_size {config.hidden_size}')
    return dict(img_size=config.image_size, patch_size=config.patch_size,
                in_channels=config.num_channels, embed_dim=config.hidden_size,
                depth=config.num_hidden_layers, num_heads=config.num_attention_heads,
                decoder_embed_dim=config.decoder_hidden_size,
                decoder_depth=config.decoder_num_hidden_layers,
                decoder_num_heads=config.decoder_num_attention_heads,
                decoder_mlp_ratio=config.decoder_intermediate_size / config.decoder_hidden_size,
                mask_ratio=config.mask_ratio, norm_eps=config.layer_norm_eps,
                norm_pix=config.norm_pix_loss)
