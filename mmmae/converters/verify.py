"""Numerical checks of converted weights against the peer implementation, and their report."""
from typing import Dict, Optional

import torch

from ..models.layers import known_num_heads
from .builders import build_from_timm_kwargs, build_mmmae_mae, build_mmpretrain_mae
from .hf_config import mmmae_mae_shape
from .hf_videomae import convert_to_hf_videomae, mmmae_video_mae_config
from .hf_vitmae import convert_to_hf_vitmae
from .mmpretrain_mae import convert_mmpretrain_mae
from .mmseg_mae import convert_to_mmseg_mae
from .rename import StateDict
from .shapes import grid_side, has_decoder, num_layers
from .timm_vit import convert_to_timm_vit, timm_model_name


def _images(channels: int, size: int, generator: torch.Generator, device: str) -> torch.Tensor:
    """Two random images of ``size`` x ``size``, drawn on the CPU, moved to ``device``."""
    return torch.randn(2, channels, size, size, generator=generator).to(device)


def _encoder_weights(state_dict: StateDict, leave_out: tuple = ()) -> StateDict:
    """The ``backbone.*`` weights without their prefix, except those under ``leave_out``."""
    return {k[len('backbone.'):]: v for k, v in state_dict.items()
            if k.startswith('backbone.') and not k.startswith(leave_out)}


def _max_diff(ours: torch.Tensor, theirs: torch.Tensor) -> float:
    return (ours - theirs).abs().max().item()


@torch.no_grad()
def compare_with_timm(state_dict: StateDict, num_heads: Optional[int] = None,
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
        ours.load_state_dict(_encoder_weights(state_dict), strict=True)
        encoder = ours
    theirs, ours = theirs.to(device), ours.to(device)
    images = _images(kwargs['in_chans'], kwargs['img_size'], torch.Generator().manual_seed(seed),
                     device)
    tokens = encoder.norm(encoder.run_blocks(encoder.patch_tokens(images)))
    diffs = dict(features=_max_diff(tokens, theirs.forward_features(images)))
    if kwargs['num_classes']:
        diffs['logits'] = _max_diff(ours(images, mode='tensor'), theirs(images))
    return diffs


@torch.no_grad()
def compare_with_mmpretrain(mmpretrain_state: StateDict, num_heads: Optional[int] = None,
                            decoder_num_heads: int = 16, seed: int = 0) -> Dict[str, float]:
    """|loss difference| between MMPretrain's MAE and mmmae's on the same images and mask.

    Both models are built from the shapes in ``mmpretrain_state`` (an MMPretrain MAE
    pretraining state dict) and load their own layout strictly.
    """
    proj = mmpretrain_state['backbone.patch_embed.projection.weight']
    embed, patch = proj.shape[0], proj.shape[-1]
    num_patches = mmpretrain_state['backbone.pos_embed'].shape[1] - 1
    img = grid_side(mmpretrain_state['backbone.pos_embed']) * patch
    depth = num_layers(mmpretrain_state, 'backbone.layers.')
    heads = num_heads or known_num_heads(embed, depth)
    if heads is None:
        raise ValueError('num_heads cannot be read off the weights of a custom arch; pass it')
    shape = dict(img_size=img, patch_size=patch, embed_dim=embed, depth=depth, num_heads=heads,
                 decoder_embed_dim=mmpretrain_state['neck.decoder_embed.weight'].shape[0],
                 decoder_depth=num_layers(mmpretrain_state, 'neck.decoder_blocks.'),
                 decoder_num_heads=decoder_num_heads)
    theirs = build_mmpretrain_mae(**shape).eval()
    theirs.load_state_dict(mmpretrain_state, strict=True)
    ours = build_mmmae_mae(**shape).eval()
    ours.load_state_dict(convert_mmpretrain_mae(mmpretrain_state), strict=True)
    images = _images(3, img, torch.Generator().manual_seed(seed), 'cpu')
    torch.manual_seed(seed)  # MMPretrain draws its mask noise as torch.rand(N, L)
    noise = torch.rand(2, num_patches)
    torch.manual_seed(seed)
    their_loss = theirs.loss(images, [])['loss']
    return dict(loss=(ours.loss(images, noise)['loss'] - their_loss).abs().item())


@torch.no_grad()
def compare_with_hf(state_dict: StateDict, config, hf_model=None,
                    seed: int = 0, device: str = 'cpu') -> Dict[str, float]:
    """Max abs differences between mmmae and Hugging Face on the same images and mask noise.

    ``state_dict`` is in mmmae's layout; ``config`` a ``ViTMAEConfig`` (see
    ``hf_vitmae_config``). Without ``hf_model`` the HF model is built from ``config``
    and loaded strictly with the converted weights. Compares the encoder output on
    the visible patches (``latent``) and, with a decoder, ``logits`` and ``loss``; both models
    run on ``device``.
    """
    from transformers import ViTMAEForPreTraining, ViTMAEModel
    pretraining = has_decoder(state_dict)
    if hf_model is None:
        hf_model = (ViTMAEForPreTraining if pretraining else ViTMAEModel)(config)
        hf_model.load_state_dict(convert_to_hf_vitmae(state_dict), strict=True)
    hf_model.eval().to(device)
    shape = mmmae_mae_shape(config)
    if not pretraining:
        shape['decoder_depth'] = 0  # its weights stay random and unused
    ours = build_mmmae_mae(**shape).eval()
    missing, unexpected = ours.load_state_dict(state_dict, strict=False)
    ours.to(device)
    if unexpected or any(not k.startswith('neck.') or pretraining for k in missing):
        raise ValueError(f'mmmae MAE does not take the weights: missing {missing[:5]}, '
                         f'unexpected {unexpected[:5]}')
    gen = torch.Generator().manual_seed(seed)
    size, patch = config.image_size, config.patch_size
    images = _images(config.num_channels, size, gen, device)
    noise = torch.rand(2, (size // patch) ** 2, generator=gen).to(device)
    latent, mask, ids_restore = ours.backbone(images, noise)
    theirs = hf_model(pixel_values=images, noise=noise)
    if pretraining:
        their_latent = hf_model.vit(pixel_values=images, noise=noise).last_hidden_state
    else:
        their_latent = theirs.last_hidden_state
    if not torch.equal(mask, theirs.mask.to(mask.dtype)):
        raise ValueError('mmmae and Hugging Face mask different patches for the same noise')
    diffs = dict(latent=_max_diff(latent, their_latent))
    if pretraining:
        diffs['logits'] = _max_diff(ours.neck(latent, ids_restore), theirs.logits)
        diffs['loss'] = abs(ours.loss(images, noise)['loss'].item() - theirs.loss.item())
    return diffs


@torch.no_grad()
def compare_with_hf_folder(state_dict: StateDict, folder: str, config) -> Dict[str, float]:
    """:func:`compare_with_hf` against the model that ``from_pretrained`` loads from ``folder``
    (written for ``config``), which must take every weight."""
    import transformers
    model, info = getattr(transformers, config.architectures[0]).from_pretrained(
        str(folder), output_loading_info=True)
    if info['missing_keys'] or info['unexpected_keys'] or info['mismatched_keys']:
        raise ValueError(f'verification failed: from_pretrained reports {info}')
    return compare_with_hf(state_dict, config, hf_model=model)


@torch.no_grad()
def compare_with_hf_videomae(state_dict: StateDict, config, hf_model=None, seed: int = 0,
                             device: str = 'cpu') -> Dict[str, float]:
    """Max abs differences between mmmae's video MAE and Hugging Face's VideoMAE on the same
    random clips and tube mask.

    ``state_dict`` is in mmmae's layout, ``config`` a ``VideoMAEConfig``
    (:func:`~mmmae.converters.hf_videomae.hf_videomae_config`). mmmae draws the tube mask from
    its noise and VideoMAE is given it as ``bool_masked_pos``. Compares the encoder output on
    the visible tubelets (``latent``, in token order) and, with a decoder, the predictions of
    the masked ones (``logits``) and the ``loss`` (with ``norm_pix_loss`` only: without it
    VideoMAE's targets are the un-normalised pixels, mmmae's the normalised ones).
    """
    from transformers import VideoMAEForPreTraining, VideoMAEModel

    from ..registry import MODELS
    from ..utils import register_all_modules
    pretraining = has_decoder(state_dict)
    if hf_model is None:
        hf_model = (VideoMAEForPreTraining if pretraining else VideoMAEModel)(config)
        hf_model.load_state_dict(convert_to_hf_videomae(state_dict), strict=True)
    hf_model.eval().to(device)
    register_all_modules()
    ours = MODELS.build(mmmae_video_mae_config(config)).eval()
    missing, unexpected = ours.load_state_dict(state_dict, strict=False)
    if unexpected or any(not k.startswith('neck.') or pretraining for k in missing):
        raise ValueError(f'mmmae video MAE does not take the weights: missing {missing[:5]}, '
                         f'unexpected {unexpected[:5]}')
    ours.to(device)
    gen = torch.Generator().manual_seed(seed)
    clips = torch.randn(2, config.num_channels, config.num_frames, config.image_size,
                        config.image_size, generator=gen).to(device)
    space = (config.image_size // config.patch_size) ** 2
    noise = torch.rand(2, 1, space, generator=gen).to(device)
    latent, mask, ids_restore = ours.backbone(clips, noise)
    bool_mask = mask.bool()
    pixel_values = clips.transpose(1, 2)  # VideoMAE takes [N, T, C, H, W]
    kept = ids_restore.argsort(dim=1)[:, :latent.shape[1]]  # token ids in the encoder's order
    in_token_order = torch.gather(latent, 1, kept.argsort(dim=1)[..., None].expand_as(latent))
    encoder = hf_model.videomae if pretraining else hf_model
    their_latent = encoder(pixel_values, bool_masked_pos=bool_mask).last_hidden_state
    diffs = dict(latent=_max_diff(in_token_order, their_latent))
    if pretraining:
        theirs = hf_model(pixel_values, bool_masked_pos=bool_mask)
        pred = ours.neck(latent, ids_restore)
        diffs['logits'] = _max_diff(pred[bool_mask].reshape(theirs.logits.shape), theirs.logits)
        if config.norm_pix_loss:  # else VideoMAE's targets are un-normalised pixels, mmmae's not
            diffs['loss'] = abs(ours.head.loss(pred, clips, mask).item() - theirs.loss.item())
    return diffs


@torch.no_grad()
def compare_with_mmseg_mae(state_dict: StateDict, num_heads: int,
                           seed: int = 0, device: str = 'cpu') -> Dict[str, float]:
    """Relative max difference between mmmae's encoder and MMSeg's ``MAE`` backbone.

    Compares the last block's patch tokens (before any final norm) as MMSeg's
    backbone returns them, ``[N, D, h, w]``, on the same random input, both on ``device``.
    """
    from mmseg.models.backbones import MAE as MMSegMAE
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
    ours.load_state_dict(_encoder_weights(state_dict, leave_out=('backbone.norm.',)), strict=False)
    theirs, ours = theirs.to(device), ours.to(device)
    images = _images(kwargs['in_chans'], kwargs['img_size'], torch.Generator().manual_seed(seed),
                     device)
    tokens = ours.run_blocks(ours.patch_tokens(images))[:, 1:]
    mine = tokens.transpose(1, 2).reshape(2, -1, grid, grid)
    (their_map,) = theirs(images)
    return dict(features_relative=((mine - their_map).abs().max() / their_map.abs().max()).item())


def report(diffs: Dict[str, float], peer: str, tolerance: float = 1e-5) -> None:
    """Print the differences; exit with an error when one exceeds ``tolerance``."""
    print(f'verify: max |mmmae - {peer}| ' + ', '.join(f'{k} {v:.2e}' for k, v in diffs.items()))
    if max(diffs.values()) > tolerance:
        raise SystemExit(f'verification failed: outputs differ by more than {tolerance}')
