"""Numerical checks of converted weights against the peer implementation."""
from typing import Dict

import torch

from mmmae.registry import MODELS
from ..layers import known_num_heads
from .timm_vit import convert_to_timm_vit, timm_model_name


def build_from_timm_kwargs(kwargs: dict) -> torch.nn.Module:
    """mmmae's equivalent of a timm ViT: an ImageClassifier, or a bare encoder without head."""
    backbone = dict(type='MAEViTEncoder', img_size=kwargs['img_size'],
                    patch_size=kwargs['patch_size'], in_channels=kwargs.get('in_chans', 3),
                    arch=dict(embed_dim=kwargs['embed_dim'], depth=kwargs['depth'],
                              num_heads=kwargs['num_heads']),
                    out_type='avg_featmap' if kwargs['global_pool'] == 'avg' else 'cls_token')
    if not kwargs['num_classes']:
        return MODELS.build(dict(backbone, out_type='raw'))
    return MODELS.build(dict(type='mmpretrain.ImageClassifier', backbone=backbone,
                             head=dict(type='mmpretrain.LinearClsHead',
                                       num_classes=kwargs['num_classes'],
                                       in_channels=kwargs['embed_dim'])))


@torch.no_grad()
def compare_with_timm(state_dict: Dict[str, torch.Tensor], num_heads: int = None,
                      seed: int = 0, device: str = 'cpu') -> Dict[str, float]:
    """Max abs difference of features (and logits) between mmmae and timm on the same input.

    ``state_dict`` is in mmmae's layout; it is converted, loaded strictly into
    ``timm.create_model(..., pretrained=False)`` and into mmmae's model; both run on ``device``.
    """
    import timm
    timm_state, kwargs = convert_to_timm_vit(state_dict)
    if num_heads:
        kwargs['num_heads'] = num_heads
    if 'num_heads' not in kwargs:
        raise ValueError('num_heads cannot be read off the weights of a custom arch; pass it')
    theirs = timm.create_model(timm_model_name(kwargs), pretrained=False, **kwargs).eval()
    theirs.load_state_dict(timm_state, strict=True)
    ours = build_from_timm_kwargs(kwargs).eval()
    if kwargs['num_classes']:
        ours.load_state_dict({k: v for k, v in state_dict.items() if not k.startswith('neck.')},
                             strict=True)
        encoder = ours.backbone
    else:
        ours.load_state_dict({k[len('backbone.'):]: v for k, v in state_dict.items()
                              if k.startswith('backbone.')}, strict=True)
        encoder = ours
    theirs, ours = theirs.to(device), ours.to(device)
    images = torch.randn(2, kwargs['in_chans'], kwargs['img_size'], kwargs['img_size'],
                         generator=torch.Generator().manual_seed(seed)).to(device)
    tokens = encoder.norm(encoder.run_blocks(encoder.patch_tokens(images)))
    diffs = dict(features=(tokens - theirs.forward_features(images)).abs().max().item())
    if kwargs['num_classes']:
        logits = ours(images, mode='tensor')
        diffs['logits'] = (logits - theirs(images)).abs().max().item()
    return diffs


def report(diffs: Dict[str, float], peer: str, tolerance: float = 1e-5) -> None:
    """Print the differences; exit with an error when one exceeds ``tolerance``."""
    print(f'verify: max |mmmae - {peer}| ' + ', '.join(f'{k} {v:.2e}' for k, v in diffs.items()))
    if max(diffs.values()) > tolerance:
        raise SystemExit(f'verification failed: outputs differ by more than {tolerance}')


def build_mmpretrain_mae(img_size: int, patch_size: int, embed_dim: int, depth: int, num_heads: int,
                         decoder_embed_dim: int, decoder_depth: int, decoder_num_heads: int,
                         mask_ratio: float = 0.75) -> torch.nn.Module:
    """MMPretrain 1.2's MAE (norm_pix, L2) of the given shape."""
    from mmpretrain.registry import MODELS as MMPRETRAIN_MODELS
    return MMPRETRAIN_MODELS.build(dict(
        type='mmpretrain.MAE',
        backbone=dict(type='mmpretrain.MAEViT', img_size=img_size, patch_size=patch_size,
                      mask_ratio=mask_ratio,
                      arch=dict(embed_dims=embed_dim, num_layers=depth, num_heads=num_heads,
                                feedforward_channels=4 * embed_dim)),
        neck=dict(type='mmpretrain.MAEPretrainDecoder', num_patches=(img_size // patch_size) ** 2,
                  patch_size=patch_size, embed_dim=embed_dim, decoder_embed_dim=decoder_embed_dim,
                  decoder_depth=decoder_depth, decoder_num_heads=decoder_num_heads),
        head=dict(type='mmpretrain.MAEPretrainHead', norm_pix=True, patch_size=patch_size,
                  loss=dict(type='mmpretrain.PixelReconstructionLoss', criterion='L2'))))


def build_mmmae_mae(img_size: int, patch_size: int, embed_dim: int, depth: int, num_heads: int,
                    decoder_embed_dim: int, decoder_depth: int, decoder_num_heads: int,
                    mask_ratio: float = 0.75, with_cp: bool = False,
                    selective_cp: bool = False, cpu_half_attention: str = 'fp32') -> torch.nn.Module:
    """mmmae's MAE (norm_pix) of the same shape as :func:`build_mmpretrain_mae`; ``with_cp``,
    ``selective_cp``, ``cpu_half_attention``: the options of its encoder and decoder blocks."""
    memory = dict(with_cp=with_cp, selective_cp=selective_cp, cpu_half_attention=cpu_half_attention)
    return MODELS.build(dict(
        type='MAE',
        backbone=dict(type='MAEViT', img_size=img_size, patch_size=patch_size, mask_ratio=mask_ratio,
                      arch=dict(embed_dim=embed_dim, depth=depth, num_heads=num_heads), **memory),
        neck=dict(type='MAEDecoder', decoder_embed_dim=decoder_embed_dim,
                  decoder_depth=decoder_depth, decoder_num_heads=decoder_num_heads, **memory),
        head=dict(type='MAEPixelHead', norm_pix=True)))


@torch.no_grad()
def compare_with_mmpretrain(mmpretrain_state: Dict[str, torch.Tensor], num_heads: int = None,
                            decoder_num_heads: int = 16, seed: int = 0) -> Dict[str, float]:
    """|loss difference| between MMPretrain's MAE and mmmae's on the same images and mask.

    Both models are built from the shapes in ``mmpretrain_state`` (an MMPretrain MAE
    pretraining state dict) and load their own layout strictly.
    """
    from .mmpretrain_mae import convert_mmpretrain_mae
    proj = mmpretrain_state['backbone.patch_embed.projection.weight']
    embed, patch = proj.shape[0], proj.shape[-1]
    num_patches = mmpretrain_state['backbone.pos_embed'].shape[1] - 1
    img = int(round(num_patches ** 0.5)) * patch
    depth = 1 + max(int(k.split('.')[2]) for k in mmpretrain_state
                    if k.startswith('backbone.layers.'))
    heads = num_heads or known_num_heads(embed, depth)
    if heads is None:
        raise ValueError('num_heads cannot be read off the weights of a custom arch; pass it')
    dec = mmpretrain_state['neck.decoder_embed.weight'].shape[0]
    dec_depth = 1 + max(int(k.split('.')[2]) for k in mmpretrain_state
                        if k.startswith('neck.decoder_blocks.'))
    shape = dict(img_size=img, patch_size=patch, embed_dim=embed, depth=depth, num_heads=heads,
                 decoder_embed_dim=dec, decoder_depth=dec_depth, decoder_num_heads=decoder_num_heads)
    theirs = build_mmpretrain_mae(**shape).eval()
    theirs.load_state_dict(mmpretrain_state, strict=True)
    ours = build_mmmae_mae(**shape).eval()
    ours.load_state_dict(convert_mmpretrain_mae(mmpretrain_state), strict=True)
    images = torch.randn(2, 3, img, img, generator=torch.Generator().manual_seed(seed))
    torch.manual_seed(seed)  # MMPretrain draws its mask noise as torch.rand(N, L)
    noise = torch.rand(2, num_patches)
    torch.manual_seed(seed)
    their_loss = theirs.loss(images, [])['loss']
    return dict(loss=(ours.loss(images, noise)['loss'] - their_loss).abs().item())


@torch.no_grad()
def compare_with_mmseg_mae(state_dict: Dict[str, torch.Tensor], num_heads: int,
                           seed: int = 0, device: str = 'cpu') -> Dict[str, float]:
    """Relative max difference between mmmae's encoder and MMSeg's ``MAE`` backbone.

    Compares the last block's patch tokens (before any final norm) as MMSeg's
    backbone returns them, ``[N, D, h, w]``, on the same random input, both on ``device``.
    """
    from mmseg.models.backbones import MAE as MMSegMAE
    from .mmseg_mae import convert_to_mmseg_mae
    converted = convert_to_mmseg_mae(state_dict, num_heads)
    _, kwargs = convert_to_timm_vit(state_dict)
    grid = kwargs['img_size'] // kwargs['patch_size']
    theirs = MMSegMAE(img_size=kwargs['img_size'], patch_size=kwargs['patch_size'],
                      embed_dims=kwargs['embed_dim'], num_layers=kwargs['depth'],
                      num_heads=num_heads, out_indices=(kwargs['depth'] - 1,))
    theirs.eval()
    missing, unexpected = theirs.load_state_dict(converted, strict=False)
    if unexpected or any('relative_position_index' not in k for k in missing):
        raise ValueError(f'MMSeg MAE did not take the weights: missing {missing}, '
                         f'unexpected {unexpected}')
    ours = build_from_timm_kwargs(dict(kwargs, num_heads=num_heads, num_classes=0)).eval()
    ours.load_state_dict({k[len('backbone.'):]: v for k, v in state_dict.items()
                          if k.startswith('backbone.') and not k.startswith('backbone.norm.')},
                         strict=False)
    theirs, ours = theirs.to(device), ours.to(device)
    images = torch.randn(2, kwargs['in_chans'], kwargs['img_size'], kwargs['img_size'],
                         generator=torch.Generator().manual_seed(seed)).to(device)
    tokens = ours.run_blocks(ours.patch_tokens(images))[:, 1:]
    mine = tokens.transpose(1, 2).reshape(2, -1, grid, grid)
    (their_map,) = theirs(images)
    return dict(features_relative=((mine - their_map).abs().max() / their_map.abs().max()).item())
