"""Hugging Face ``VideoMAEForPreTraining`` / ``VideoMAEModel`` checkpoints <-> mmmae's video MAE
(``MAEVideoViT`` + ``MAEVideoDecoder`` + ``MAEVideoPixelHead``), and their configs.

transformers' VideoMAE (as the official VideoMAE code) keeps separate query/key/value weights
and only query and value biases (``q_bias``, ``v_bias``); mmmae fuses them into one ``qkv``
linear whose key bias is zero. A key bias adds the same number to every attention logit of a
query, which the softmax removes, so writing mmmae's weights to VideoMAE drops it without
changing any output. The encoder-to-decoder projection has no bias in VideoMAE
(``decoder_embed_bias=False`` in mmmae). The layout is transformers 4's.
"""
from collections import OrderedDict
from typing import Dict, Optional

import torch

from .hf_config import hf_decoder_sizes
from .hf_vitmae import _V4_LAYER, _fuse_qkv, _split_qkv
from .rename import RenameTable
from .shapes import has_decoder, num_layers

_LAYER = _V4_LAYER + RenameTable([('attn.q_bias', 'attention.attention.q_bias'),
                                  ('attn.v_bias', 'attention.attention.v_bias')])
_ENCODER = RenameTable([('patch_embed.proj.', 'embeddings.patch_embeddings.projection.'),
                        ('norm.', 'layernorm.')]) + _LAYER.under('blocks.{i}.', 'encoder.layer.{i}.')
_DECODER = RenameTable([('decoder_embed.', 'encoder_to_decoder.'), ('mask_token', 'mask_token'),
                        ('decoder_norm.', 'decoder.norm.'), ('decoder_pred.', 'decoder.head.')]
                       ) + _LAYER.under('decoder_blocks.{i}.', 'decoder.decoder_layers.{i}.')
_PRETRAINING = _ENCODER.under('backbone.', 'videomae.') + _DECODER.under('neck.', '')
_ENCODER_ONLY = _ENCODER.under('backbone.', '')
HF_EXPECTED = ('a Hugging Face VideoMAEForPreTraining (videomae.*, decoder.*) or VideoMAEModel '
               '(embeddings.*, encoder.*) state dict')
MMMAE_EXPECTED = 'an mmmae video MAE state dict (backbone.* of MAEVideoViT, optionally neck.*)'
# VideoMAE's fixed decoder norm: nn.LayerNorm's default eps, whatever the config says
HF_DECODER_NORM_EPS = 1e-5
# the std VideoMAE un-normalises 3-channel clips with before computing its targets
IMAGENET_STD_01 = (0.229, 0.224, 0.225)


def convert_hf_videomae(state_dict: Dict[str, torch.Tensor]) -> 'OrderedDict[str, torch.Tensor]':
    """Hugging Face VideoMAE state dict -> mmmae keys: query/key/value fused into ``attn.qkv``,
    its bias ``(q_bias, 0, v_bias)``. Raises ``ValueError`` listing keys it does not know."""
    table = _PRETRAINING if any(key.startswith('videomae.') for key in state_dict) else _ENCODER_ONLY
    renamed = table.to_mmmae(state_dict, HF_EXPECTED, required='backbone.blocks.')
    out = OrderedDict()
    for key, value in _fuse_qkv(renamed).items():
        if key.endswith(('attn.q_bias', 'attn.v_bias')):
            continue
        if key.endswith('attn.qkv.bias'):
            prefix = key[:-len('qkv.bias')]
            q_bias, v_bias = renamed.get(prefix + 'q_bias'), renamed.get(prefix + 'v_bias')
            if q_bias is not None:  # qkv_bias=True: keys have none
                value = torch.cat([q_bias, torch.zeros_like(q_bias), v_bias])
        out[key] = value
    return out


def convert_to_hf_videomae(state_dict: Dict[str, torch.Tensor]) -> 'OrderedDict[str, torch.Tensor]':
    """mmmae video MAE state dict -> ``VideoMAEForPreTraining`` keys (``VideoMAEModel``'s without
    a decoder); the key bias is dropped (see the module docstring)."""
    if 'neck.decoder_embed.bias' in state_dict:
        raise ValueError('this decoder has an encoder-to-decoder bias, which VideoMAE has no place '
                         'for; train with MAEVideoDecoder(decoder_embed_bias=False) to export to it')
    split = OrderedDict()
    for key, value in _split_qkv(state_dict).items():
        for ours, theirs in (('attn.query.bias', 'attn.q_bias'), ('attn.value.bias', 'attn.v_bias')):
            if key.endswith(ours):
                key = key[:-len(ours)] + theirs
        if not key.endswith('attn.key.bias'):
            split[key] = value
    table = _PRETRAINING if has_decoder(state_dict) else _ENCODER_ONLY
    return table.from_mmmae(split, MMMAE_EXPECTED, skip=('data_preprocessor.',),
                            required='backbone.patch_embed.proj.weight')


def hf_videomae_config(state_dict: Dict[str, torch.Tensor], num_frames: int, num_heads: int,
                       decoder_num_heads: Optional[int] = None, **overrides):
    """A ``transformers.VideoMAEConfig`` for an mmmae video MAE state dict: sizes from the tensor
    shapes, ``num_frames`` and the attention heads given (they cannot be read off the weights),
    ``layer_norm_eps=1e-6`` and ``norm_pix_loss=True`` unless ``overrides`` say otherwise."""
    from transformers import VideoMAEConfig
    proj = state_dict['backbone.patch_embed.proj.weight']  # [D, C, t, p, p]
    kwargs = dict(
        hidden_size=proj.shape[0], num_channels=proj.shape[1], tubelet_size=proj.shape[2],
        patch_size=proj.shape[3], num_frames=num_frames, num_attention_heads=num_heads,
        num_hidden_layers=num_layers(state_dict, 'backbone.blocks.'),
        intermediate_size=state_dict['backbone.blocks.0.mlp.fc1.weight'].shape[0],
        use_mean_pooling='backbone.norm.weight' not in state_dict, qkv_bias=True,
        hidden_act='gelu', layer_norm_eps=1e-6, norm_pix_loss=True)
    decoder = has_decoder(state_dict)
    kwargs.update(hf_decoder_sizes(state_dict, decoder_num_heads) if decoder else {}, **overrides)
    config = VideoMAEConfig(**kwargs)
    config.architectures = ['VideoMAEForPreTraining' if decoder else 'VideoMAEModel']
    return config


def mmmae_video_mae_config(config, mask_ratio: float = 0.9) -> dict:
    """The mmmae ``MAE`` model config of a ``VideoMAEConfig``: the same shapes, VideoMAE's 1-D
    positions and tube masking, its epsilons and targets."""
    def arch(hidden: int, depth: int, heads: int, intermediate: int) -> dict:
        return dict(embed_dim=hidden, depth=depth, num_heads=heads, patch_size=config.patch_size,
                    mlp_ratio=intermediate / hidden)
    decoder = arch(config.decoder_hidden_size, config.decoder_num_hidden_layers,
                   config.decoder_num_attention_heads, config.decoder_intermediate_size)
    return dict(
        type='MAE', data_preprocessor=dict(type='MAEDataPreprocessor'),
        backbone=dict(type='MAEVideoViT', arch=arch(config.hidden_size, config.num_hidden_layers,
                                                    config.num_attention_heads,
                                                    config.intermediate_size),
                      num_frames=config.num_frames, img_size=config.image_size,
                      tubelet_size=config.tubelet_size, in_channels=config.num_channels,
                      pos_embed='sinusoid_1d', masking='tube', mask_ratio=mask_ratio,
                      final_norm=not config.use_mean_pooling, norm_eps=config.layer_norm_eps),
        neck=dict(type='MAEVideoDecoder', decoder_embed_dim=decoder['embed_dim'],
                  decoder_depth=decoder['depth'], decoder_num_heads=decoder['num_heads'],
                  mlp_ratio=decoder['mlp_ratio'], decoder_embed_bias=False,
                  norm_eps=config.layer_norm_eps, final_norm_eps=HF_DECODER_NORM_EPS),
        head=dict(type='MAEVideoPixelHead', norm_pix='tubelet_channel' if config.norm_pix_loss else None,
                  channel_std=IMAGENET_STD_01 if config.num_channels == 3 else None))
