"""Numerical checks of converted weights against the peer implementation."""
from typing import Dict

import torch

from mmmae.registry import MODELS
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
                      seed: int = 0) -> Dict[str, float]:
    """Max abs difference of features (and logits) between mmmae and timm on the same input.

    ``state_dict`` is in mmmae's layout; it is converted, loaded strictly into
    ``timm.create_model(..., pretrained=False)`` and into mmmae's model.
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
    images = torch.randn(2, kwargs['in_chans'], kwargs['img_size'], kwargs['img_size'],
                         generator=torch.Generator().manual_seed(seed))
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
