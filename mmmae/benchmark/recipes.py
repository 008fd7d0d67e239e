"""The pretraining step of each recipe, side by side: standard MAE, CrossMAE's partial decoding,
and progressive resolution (FastSSL's stages, each timed at its size and weighted by the share
of the epochs it trains).

Every variant is mmmae's MAE of the same arch and batch, with mmmae's optimizer, on random
images, in one process, taking turns in every round. Per recipe: ms per step and images/s
averaged over its epochs, model FLOPs per step (forward and backward), and its speed-up and
FLOPs ratio against the standard recipe.
"""
import statistics
from typing import Dict, List, Tuple

import torch
from mmengine.config import Config
from torch import nn

from mmmae.engine.hooks import progressive_stages, stage_shares
from mmmae.registry import MODELS
from mmmae.utils import register_all_modules
from .measure import AMP, counted_flops, device_label, timed
from .peers import ROOT, mmmae_loss, model_shape, optimizer_options
from .step import StepBench, make_step

RECIPES = ('standard', 'crossmae', 'progressive')
# the stages timed: this config's (FastSSL's 160, 192, then 224 px), scaled to the benchmark's size
PROGRESSIVE_CONFIG = ROOT / 'configs' / 'mae' / 'mae_vit-base-p16_8xb512-amp-coslr-800e_in1k-progressive.py'
CROSSMAE_KEPT_MASK_RATIO = 0.25  # CrossMAE's default (arXiv 2401.14391)


def build_variant(arch: str, img_size: int, decoder: str) -> nn.Module:
    """mmmae's MAE of ``arch`` built for ``img_size`` with the paper's decoder shape, as the
    ``MAEDecoder`` or the ``CrossMAEDecoder``."""
    shape = model_shape(arch, img_size)
    neck = dict(type=decoder, decoder_embed_dim=shape['decoder_embed_dim'],
                decoder_depth=shape['decoder_depth'], decoder_num_heads=shape['decoder_num_heads'])
    if decoder == 'CrossMAEDecoder':
        neck['kept_mask_ratio'] = CROSSMAE_KEPT_MASK_RATIO
    return MODELS.build(dict(
        type='MAE', neck=neck, head=dict(type='MAEPixelHead', norm_pix=True),
        backbone=dict(type='MAEViT', img_size=img_size, patch_size=shape['patch_size'],
                      arch=dict(embed_dim=shape['embed_dim'], depth=shape['depth'],
                                num_heads=shape['num_heads']))))


def step_flops(arch: str, batch: int, img_size: int, decoder: str) -> int:
    """Model FLOPs of one training step of :func:`build_variant` (forward and backward),
    counted on the meta device."""
    with torch.device('meta'):
        model = build_variant(arch, img_size, decoder)
        images = torch.zeros(batch, 3, img_size, img_size)
    return counted_flops(lambda: mmmae_loss(model, images).backward())


def recipe_variants(recipe: str, img_size: int, patch_size: int) -> List[Tuple[int, float, str]]:
    """``(input size, share of the epochs, decoder)`` of each step a recipe trains with."""
    if recipe == 'crossmae':
        return [(img_size, 1.0, 'CrossMAEDecoder')]
    if recipe == 'progressive':
        cfg = Config.fromfile(str(PROGRESSIVE_CONFIG))
        full = cfg.model.backbone.img_size
        shares = stage_shares(progressive_stages(cfg), cfg.train_cfg.max_epochs)
        return [(max(patch_size, round(img_size * size / full / patch_size) * patch_size), share,
                 'MAEDecoder') for size, share in shares]
    if recipe == 'standard':
        return [(img_size, 1.0, 'MAEDecoder')]
    raise ValueError(f'unknown recipe {recipe!r}; use one of {RECIPES}')


def run_recipes(bench: StepBench, recipes: List[str]) -> Dict[str, dict]:
    """Time every recipe's steps; print the table and the ratios; return each recipe's results."""
    register_all_modules()
    device = torch.device(bench.device)
    bench.batch = bench.batch or 8
    amp = bench.peer_amp('mmmae', device)
    patch = model_shape(bench.arch, bench.img_size)['patch_size']
    recipes = ['standard', *[r for r in recipes if r != 'standard']]  # the reference first
    variants = {(size, decoder) for recipe in recipes
                for size, _, decoder in recipe_variants(recipe, bench.img_size, patch)}
    torch.manual_seed(0)
    steps, images, flops, times = {}, {}, {}, {key: [] for key in variants}
    for key in sorted(variants):
        size, decoder = key
        model = build_variant(bench.arch, size, decoder).to(device).train()
        optimizer = torch.optim.AdamW(model.parameters(), lr=1.5e-4, betas=(0.9, 0.95), weight_decay=0.05,
                                      **optimizer_options('mmmae', bench.same_optimizer))
        images[key] = torch.randn(bench.batch, 3, size, size, device=device)
        steps[key] = make_step(model, mmmae_loss, optimizer, AMP[amp], device, bench.compile)
        timed(steps[key], images[key], 1, device)  # warm-up
        flops[key] = step_flops(bench.arch, bench.batch, size, decoder)
    for _ in range(bench.rounds):
        for key in sorted(variants):
            times[key].append(timed(steps[key], images[key], bench.steps, device))
    results = {}
    for recipe in recipes:
        parts = recipe_variants(recipe, bench.img_size, patch)
        seconds = sum(share * statistics.median(times[(size, dec)]) for size, share, dec in parts)
        results[recipe] = dict(
            step_s=seconds, img_per_s=bench.batch / seconds,
            flops_per_step=sum(share * flops[(size, dec)] for size, share, dec in parts),
            sizes=[size for size, _, _ in parts], shares=[share for _, share, _ in parts])
    base = results['standard']
    for result in results.values():
        result['speedup'] = base['step_s'] / result['step_s']
        result['flops_ratio'] = base['flops_per_step'] / result['flops_per_step']
    print(f'MAE pretraining recipes, arch {bench.arch}, {bench.img_size}px, batch {bench.batch}, '
          f'amp {amp}, {"compiled" if bench.compile else "eager"}, {device_label(device)}, '
          f'{bench.rounds} rounds x {bench.steps} steps; per step averaged over the epochs')
    print(f'  {"recipe":12s} {"sizes":16s} {"ms/step":>9s} {"img/s":>8s} {"GFLOP/step":>11s} '
          f'{"speed-up":>9s} {"FLOPs ratio":>12s}')
    for recipe, r in results.items():
        sizes = '/'.join(map(str, r['sizes']))
        print(f'  {recipe:12s} {sizes:16s} {r["step_s"] * 1e3:9.1f} {r["img_per_s"]:8.1f} '
              f'{r["flops_per_step"] / 1e9:11.2f} {r["speedup"]:8.2f}x {r["flops_ratio"]:11.2f}x')
    return results
