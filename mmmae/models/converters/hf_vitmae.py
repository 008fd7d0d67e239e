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
from typing import Dict, List, Optional, Tuple

import torch

from .errors import unknown_keys_error

_V4_LAYER = [
    ('layernorm_before.', 'norm1.'),
    ('layernorm_after.', 'norm2.'),
    ('attention.attention.query.', 'attn.query.'),  # fused into attn.qkv. afterwards
    ('attention.attention.key.', 'attn.key.'),
    ('attention.attention.value.', 'attn.value.'),
    ('attention.output.dense.', 'attn.proj.'),
    ('intermediate.dense.', 'mlp.fc1.'),
    ('output.dense.', 'mlp.fc2.'),
]
_V5_LAYER = [
    ('layernorm_before.', 'norm1.'),
    ('layernorm_after.', 'norm2.'),
    ('attention.q_proj.', 'attn.query.'),
    ('attention.k_proj.', 'attn.key.'),
    ('attention.v_proj.', 'attn.value.'),
    ('attention.o_proj.', 'attn.proj.'),
    ('mlp.fc1.', 'mlp.fc1.'),
    ('mlp.fc2.', 'mlp.fc2.'),
]
# layout -> (encoder layers, decoder layers, (Hugging Face name, mmmae name) inside one layer)
_LAYOUTS: Dict[str, Tuple[str, str, List[Tuple[str, str]]]] = {
    'transformers4': ('encoder.layer.{}.', 'decoder.decoder_layers.{}.', _V4_LAYER),
    'transformers5': ('layers.{}.', 'decoder.decoder_layers.{}.', _V5_LAYER),
    # what transformers 5's save_pretrained writes (its loader renames it to the above)
    'transformers5-saved': ('encoder.layer.{}.', 'decoder.decoder_encoder.layer.{}.', _V4_LAYER),
}
HF_LAYOUTS = ('transformers4', 'transformers5')  # the layouts written; all three are read


def _pairs(layout: str) -> List[Tuple[str, str]]:
    """(Hugging Face key without 'vit.', mmmae key) of ``layout``; '{}' is a layer index, a
    trailing '.' stands for 'weight' or 'bias'."""
    encoder, decoder, layer = _LAYOUTS[layout]
    return [
        ('embeddings.cls_token', 'backbone.cls_token'),
        ('embeddings.position_embeddings', 'backbone.pos_embed'),
        ('embeddings.patch_embeddings.projection.', 'backbone.patch_embed.proj.'),
        *[(encoder + hf, 'backbone.blocks.{}.' + mm) for hf, mm in layer],
        ('layernorm.', 'backbone.norm.'),
        ('decoder.mask_token', 'neck.mask_token'),
        ('decoder.decoder_pos_embed', 'neck.decoder_pos_embed'),
        ('decoder.decoder_embed.', 'neck.decoder_embed.'),
        *[(decoder + hf, 'neck.decoder_blocks.{}.' + mm) for hf, mm in layer],
        ('decoder.decoder_norm.', 'neck.decoder_norm.'),
        ('decoder.decoder_pred.', 'neck.decoder_pred.'),
    ]


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


def _rule(src: str, dst: str) -> Tuple[str, str]:
    """A regex rule renaming ``src`` to ``dst`` (see ``_pairs`` for the notation)."""
    pattern, repl, groups = '^' + re.escape(src), dst, 0
    if '{}' in src:
        pattern = pattern.replace(re.escape('{}'), r'(\d+)')
        repl, groups = repl.replace('{}', r'\1'), 1
    if src.endswith('.'):
        pattern, repl = pattern + '(weight|bias)', repl + f'\\{groups + 1}'
    return pattern + '$', repl


_TO_MMMAE = [_rule(hf, mm) for layout in _LAYOUTS for hf, mm in _pairs(layout)]
_TO_HF = {layout: [_rule(mm, hf) for hf, mm in _pairs(layout)] for layout in HF_LAYOUTS}


def _rename(key: str, rules: List[Tuple[str, str]]) -> Optional[str]:
    for pattern, repl in rules:
        new, count = re.subn(pattern, repl, key)
        if count:
            return new
    return None


def convert_hf_vitmae(state_dict: Dict[str, torch.Tensor]) -> 'OrderedDict[str, torch.Tensor]':
    """Hugging Face ``ViTMAEForPreTraining`` or ``ViTMAEModel`` state dict (transformers 4 or 5)
    -> mmmae ``MAE`` keys.

    The encoder goes under ``backbone.``, the decoder (pretraining models only)
    under ``neck.``; query/key/value are concatenated into ``attn.qkv``. A model
    built with ``qkv_bias=False`` gets zero qkv biases, which compute the same.
    Raises ``ValueError`` listing keys it does not know.
    """
    renamed, unknown = OrderedDict(), []
    for key, value in state_dict.items():
        new = _rename(key[len('vit.'):] if key.startswith('vit.') else key, _TO_MMMAE)
        if new is None:
            unknown.append(key)
        else:
            renamed[new] = value
    if unknown or not any(k.startswith('backbone.blocks.') for k in renamed):
        raise unknown_keys_error(unknown or list(state_dict), HF_EXPECTED)
    out, parts = OrderedDict(), {}
    for key, value in renamed.items():
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


def convert_to_hf_vitmae(state_dict: Dict[str, torch.Tensor],
                         layout: Optional[str] = None) -> 'OrderedDict[str, torch.Tensor]':
    """mmmae ``MAE`` state dict -> Hugging Face keys of ``layout`` (one of ``HF_LAYOUTS``;
    default: the installed transformers').

    With the decoder (``neck.*``) the keys are ``ViTMAEForPreTraining``'s (encoder under
    ``vit.``), without it ``ViTMAEModel``'s (no prefix). ``attn.qkv`` is split into
    query/key/value copies. Raises ``ValueError`` listing keys it does not know.
    """
    layout = layout or installed_hf_layout()
    if layout not in _LAYOUTS:
        raise ValueError(f"unknown Hugging Face layout '{layout}'; choose one of {HF_LAYOUTS}")
    pretraining = any(k.startswith('neck.') for k in state_dict)
    out, unknown = OrderedDict(), []
    for key, value in state_dict.items():
        if key.startswith('data_preprocessor.'):
            continue  # normalisation buffers, not weights
        match = _FUSED_QKV.match(key)
        if match is not None:
            if value.shape[0] % 3:
                raise ValueError(f'{key} has {value.shape[0]} rows, not a multiple of 3')
            items = [(f'{match[1]}{q}.{match[2]}', chunk.clone())
                     for q, chunk in zip(_QKV, value.chunk(3, dim=0))]
        else:
            items = [(key, value)]
        for mm_key, tensor in items:
            new = _rename(mm_key, _TO_HF[layout])
            if new is None:
                unknown.append(key)
                break
            out['vit.' + new if pretraining and not new.startswith('decoder.') else new] = tensor
    if unknown or 'backbone.patch_embed.proj.weight' not in state_dict:
        raise unknown_keys_error(unknown or list(state_dict), MMMAE_EXPECTED)
    return out


def _count_layers(state_dict: Dict[str, torch.Tensor], prefix: str) -> int:
    return len({k[len(prefix):].split('.')[0] for k in state_dict if k.startswith(prefix)})


def hf_vitmae_config(state_dict: Dict[str, torch.Tensor], num_heads: int,
                     decoder_num_heads: Optional[int] = None, **overrides):
    """A ``transformers.ViTMAEConfig`` for an mmmae ``MAE`` state dict.

    Sizes are read off the tensor shapes; attention heads cannot be and are given.
    Defaults follow mmmae: ``layer_norm_eps=1e-6`` (HF's default is 1e-12),
    ``mask_ratio=0.75``, ``norm_pix_loss=True``; ``overrides`` replace them.
    """
    from transformers import ViTMAEConfig
    proj = state_dict['backbone.patch_embed.proj.weight']
    hidden, channels, patch = proj.shape[0], proj.shape[1], proj.shape[-1]
    side = int(round((state_dict['backbone.pos_embed'].shape[1] - 1) ** 0.5))
    if side * side != state_dict['backbone.pos_embed'].shape[1] - 1:
        raise ValueError('ViTMAEConfig needs a square patch grid; the position embedding has '
                         f'{state_dict["backbone.pos_embed"].shape[1] - 1} patches')
    kwargs = dict(
        hidden_size=hidden, num_hidden_layers=_count_layers(state_dict, 'backbone.blocks.'),
        num_attention_heads=num_heads,
        intermediate_size=state_dict['backbone.blocks.0.mlp.fc1.weight'].shape[0],
        image_size=side * patch, patch_size=patch, num_channels=channels, qkv_bias=True,
        hidden_act='gelu', layer_norm_eps=1e-6, mask_ratio=0.75, norm_pix_loss=True)
    if 'neck.decoder_embed.weight' in state_dict:
        if not decoder_num_heads:
            raise ValueError('the decoder\'s attention heads cannot be read off the weights; '
                             'pass decoder_num_heads')
        kwargs.update(
            decoder_hidden_size=state_dict['neck.decoder_embed.weight'].shape[0],
            decoder_num_hidden_layers=_count_layers(state_dict, 'neck.decoder_blocks.'),
            decoder_num_attention_heads=decoder_num_heads,
            decoder_intermediate_size=state_dict['neck.decoder_blocks.0.mlp.fc1.weight'].shape[0])
    kwargs.update(overrides)
    config = ViTMAEConfig(**kwargs)
    decoder = 'neck.decoder_embed.weight' in state_dict
    config.architectures = ['ViTMAEForPreTraining' if decoder else 'ViTMAEModel']
    return config


def mmmae_mae_cfg(config) -> dict:
    """The mmmae ``MAE`` model config matching a ``ViTMAEConfig``."""
    if config.intermediate_size != 4 * config.hidden_size:
        raise ValueError(f'mmmae\'s encoder has MLP ratio 4; this model has intermediate_size '
                         f'{config.intermediate_size} for hidden_size {config.hidden_size}')
    eps = config.layer_norm_eps
    return dict(
        type='MAE',
        backbone=dict(type='MAEViT', arch=dict(embed_dim=config.hidden_size,
                                               depth=config.num_hidden_layers,
                                               num_heads=config.num_attention_heads),
                      img_size=config.image_size, patch_size=config.patch_size,
                      in_channels=config.num_channels, mask_ratio=config.mask_ratio, norm_eps=eps),
        neck=dict(type='MAEDecoder', decoder_embed_dim=config.decoder_hidden_size,
                  decoder_depth=config.decoder_num_hidden_layers,
                  decoder_num_heads=config.decoder_num_attention_heads,
                  mlp_ratio=config.decoder_intermediate_size / config.decoder_hidden_size,
                  norm_eps=eps),
        head=dict(type='MAEPixelHead', norm_pix=config.norm_pix_loss))


@torch.no_grad()
def compare_with_hf(state_dict: Dict[str, torch.Tensor], config, hf_model=None,
                    seed: int = 0, device: str = 'cpu') -> Dict[str, float]:
    """Max abs differences between mmmae and Hugging Face on the same images and mask noise.

    ``state_dict`` is in mmmae's layout; ``config`` a ``ViTMAEConfig`` (see
    ``hf_vitmae_config``). Without ``hf_model`` the HF model is built from ``config``
    and loaded strictly with the converted weights. Compares the encoder output on
    the visible patches (``latent``) and, with a decoder, ``logits`` and ``loss``; both models
    run on ``device``.
    """
    from transformers import ViTMAEForPreTraining, ViTMAEModel

    from mmmae.registry import MODELS
    pretraining = any(k.startswith('neck.') for k in state_dict)
    if hf_model is None:
        hf_model = (ViTMAEForPreTraining if pretraining else ViTMAEModel)(config)
        hf_model.load_state_dict(convert_to_hf_vitmae(state_dict), strict=True)
    hf_model.eval().to(device)
    cfg = mmmae_mae_cfg(config)
    if not pretraining:
        cfg['neck']['decoder_depth'] = 0  # its weights stay random and unused
    ours = MODELS.build(cfg).eval()
    missing, unexpected = ours.load_state_dict(state_dict, strict=False)
    ours.to(device)
    if unexpected or any(not k.startswith('neck.') or pretraining for k in missing):
        raise ValueError(f'mmmae MAE does not take the weights: missing {missing[:5]}, '
                         f'unexpected {unexpected[:5]}')
    gen = torch.Generator().manual_seed(seed)
    size, patch = config.image_size, config.patch_size
    images = torch.randn(2, config.num_channels, size, size, generator=gen).to(device)
    noise = torch.rand(2, (size // patch) ** 2, generator=gen).to(device)
    latent, mask, ids_restore = ours.backbone(images, noise)
    if pretraining:
        theirs = hf_model(pixel_values=images, noise=noise)
        their_latent = hf_model.vit(pixel_values=images, noise=noise).last_hidden_state
    else:
        theirs = hf_model(pixel_values=images, noise=noise)
        their_latent = theirs.last_hidden_state
    if not torch.equal(mask, theirs.mask.to(mask.dtype)):
        raise ValueError('mmmae and Hugging Face mask different patches for the same noise')
    diffs = dict(latent=(latent - their_latent).abs().max().item())
    if pretraining:
        diffs['logits'] = (ours.neck(latent, ids_restore) - theirs.logits).abs().max().item()
        diffs['loss'] = abs(ours.loss(images, noise)['loss'].item() - theirs.loss.item())
    return diffs
