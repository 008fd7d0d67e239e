"""Hugging Face ``ViTMAEForPreTraining`` / ``ViTMAEModel`` checkpoints <-> mmmae's MAE.

Hugging Face keeps separate query/key/value linears; mmmae uses the official MAE names and one
fused ``qkv`` linear (rows in q, k, v order). transformers 4 names the layers BERT-style
(``encoder.layer.N.attention.attention.query``, ``intermediate.dense``, ...); transformers 5
renamed them in memory (``layers.N.attention.q_proj``, ``mlp.fc1``, ...) and its
``save_pretrained`` writes yet another mix (``decoder.decoder_encoder.layer.N``). All three are
read; the installed transformers' in-memory layout is written unless one is named.
``ViTMAEForPreTraining`` puts the encoder under ``vit.`` and the decoder under ``decoder.``;
``ViTMAEModel`` (encoder only) has no prefix. Apart from fusing and splitting qkv, tensors are not changed.
"""
import re
from collections import OrderedDict
from typing import Dict, Optional

import torch

from .rename import RenameTable
from .shapes import has_decoder

# (mmmae name, Hugging Face name) inside one layer; q, k and v are fused into attn.qkv afterwards
_V4_LAYER = RenameTable([
    ('norm1.', 'layernorm_before.'),
    ('norm2.', 'layernorm_after.'),
    ('attn.query.', 'attention.attention.query.'),
    ('attn.key.', 'attention.attention.key.'),
    ('attn.value.', 'attention.attention.value.'),
    ('attn.proj.', 'attention.output.dense.'),
    ('mlp.fc1.', 'intermediate.dense.'),
    ('mlp.fc2.', 'output.dense.'),
])
_V5_LAYER = RenameTable([
    ('norm1.', 'layernorm_before.'),
    ('norm2.', 'layernorm_after.'),
    ('attn.query.', 'attention.q_proj.'),
    ('attn.key.', 'attention.k_proj.'),
    ('attn.value.', 'attention.v_proj.'),
    ('attn.proj.', 'attention.o_proj.'),
    ('mlp.fc1.', 'mlp.fc1.'),
    ('mlp.fc2.', 'mlp.fc2.'),
])
# layout -> (encoder layers, decoder layers under 'decoder.', the names inside one layer)
_LAYOUTS = {
    'transformers4': ('encoder.layer.{i}.', 'decoder_layers.{i}.', _V4_LAYER),
    'transformers5': ('layers.{i}.', 'decoder_layers.{i}.', _V5_LAYER),
    # what transformers 5's save_pretrained writes (its loader renames it to the above)
    'transformers5-saved': ('encoder.layer.{i}.', 'decoder_encoder.layer.{i}.', _V4_LAYER),
}
HF_LAYOUTS = ('transformers4', 'transformers5')  # the layouts written; all three are read
_ENCODER = RenameTable([
    ('cls_token', 'embeddings.cls_token'),
    ('pos_embed', 'embeddings.position_embeddings'),
    ('patch_embed.proj.', 'embeddings.patch_embeddings.projection.'),
    ('norm.', 'layernorm.'),
])
_DECODER = RenameTable.same('mask_token', 'decoder_pos_embed', 'decoder_embed.', 'decoder_norm.',
                            'decoder_pred.')


def _table(layout: str, encoder_prefix: str) -> RenameTable:
    """mmmae <-> Hugging Face names of ``layout``, the encoder's under ``encoder_prefix``."""
    encoder_layers, decoder_layers, layer = _LAYOUTS[layout]
    encoder = _ENCODER + layer.under('blocks.{i}.', encoder_layers)
    decoder = _DECODER + layer.under('decoder_blocks.{i}.', decoder_layers)
    return encoder.under('backbone.', encoder_prefix) + decoder.under('neck.', 'decoder.')


# ViTMAEForPreTraining puts the encoder under 'vit.', ViTMAEModel has no prefix
_READ = sum((_table(layout, prefix) for layout in _LAYOUTS for prefix in ('vit.', '')), RenameTable())
_QKV = ('query', 'key', 'value')
_SPLIT_QKV = re.compile(r'^(.*\.attn\.)(query|key|value)\.(weight|bias)$')
_FUSED_QKV = re.compile(r'^(.*\.attn\.)qkv\.(weight|bias)$')
HF_EXPECTED = ('a Hugging Face ViTMAEForPreTraining (vit.*, decoder.*) or ViTMAEModel '
               '(embeddings.*, encoder.* or layers.*, layernorm.*) state dict')
MMMAE_EXPECTED = 'an mmmae MAE pretraining state dict (backbone.*, optionally neck.*)'


def installed_hf_layout() -> str:
    """The layout of the installed transformers (transformers 4's when it is not installed)."""
    try:
        import transformers
    except ImportError:
        return 'transformers4'
    return 'transformers5' if int(transformers.__version__.split('.')[0]) >= 5 else 'transformers4'


def convert_hf_vitmae(state_dict: Dict[str, torch.Tensor]) -> 'OrderedDict[str, torch.Tensor]':
    """Hugging Face ``ViTMAEForPreTraining`` or ``ViTMAEModel`` state dict (transformers 4 or 5)
    -> mmmae ``MAE`` keys.

    The encoder goes under ``backbone.``, the decoder (pretraining models only)
    under ``neck.``; query/key/value are concatenated into ``attn.qkv``. A model
    built with ``qkv_bias=False`` gets zero qkv biases, which compute the same.
    Raises ``ValueError`` listing keys it does not know.
    """
    return _fuse_qkv(_READ.to_mmmae(state_dict, HF_EXPECTED, required='backbone.blocks.'))


def convert_to_hf_vitmae(state_dict: Dict[str, torch.Tensor],
                         layout: Optional[str] = None) -> 'OrderedDict[str, torch.Tensor]':
    """mmmae ``MAE`` state dict -> Hugging Face keys of ``layout`` (one of ``HF_LAYOUTS``;
    default: the installed transformers').

    With the decoder (``neck.*``) the keys are ``ViTMAEForPreTraining``'s (encoder under
    ``vit.``), without it ``ViTMAEModel``'s (no prefix). ``attn.qkv`` is split into
    query/key/value copies. Raises ``ValueError`` listing keys it does not know.
    """
    layout = layout or installed_hf_layout()
    if layout not in HF_LAYOUTS:
        raise ValueError(f"unknown Hugging Face layout '{layout}'; choose one of {HF_LAYOUTS}")
    table = _table(layout, 'vit.' if has_decoder(state_dict) else '')
    return table.from_mmmae(_split_qkv(state_dict), MMMAE_EXPECTED, skip=('data_preprocessor.',),
                            required='backbone.patch_embed.proj.weight')


def _fuse_qkv(state_dict: Dict[str, torch.Tensor]) -> 'OrderedDict[str, torch.Tensor]':
    """``attn.query/key/value`` concatenated into ``attn.qkv`` (zero biases where none)."""
    out, parts = OrderedDict(), {}
    for key, value in state_dict.items():
        match = _SPLIT_QKV.match(key)
        if match is None:
            out[key] = value
            continue
        prefix, which, kind = match.groups()
        fused = f'{prefix}qkv.{kind}'
        out.setdefault(fused, None)  # keep the position of the first of q, k, v
        parts.setdefault(fused, {})[which] = value
    for fused, found in parts.items():
        if len(found) < 3:
            missing = [fused.replace('qkv', q) for q in _QKV if q not in found]
            raise ValueError(f'incomplete attention: {missing} missing beside '
                             f'{sorted(found)}; expected {HF_EXPECTED}')
        out[fused] = torch.cat([found[q] for q in _QKV], dim=0)
    for key in [k for k in out if k.endswith('attn.qkv.weight')]:
        bias = key[:-len('weight')] + 'bias'
        if bias not in out:  # qkv_bias=False
            out[bias] = out[key].new_zeros(out[key].shape[0])
    return out


def _split_qkv(state_dict: Dict[str, torch.Tensor]) -> 'OrderedDict[str, torch.Tensor]':
    """``attn.qkv`` split into ``attn.query/key/value`` copies (rows in q, k, v order)."""
    out = OrderedDict()
    for key, value in state_dict.items():
        match = _FUSED_QKV.match(key)
        if match is None:
            out[key] = value
            continue
        if value.shape[0] % 3:
            raise ValueError(f'{key} has {value.shape[0]} rows, not a multiple of 3')
        for q, chunk in zip(_QKV, value.chunk(3, dim=0)):
            out[f'{match[1]}{q}.{match[2]}'] = chunk.clone()
    return out
