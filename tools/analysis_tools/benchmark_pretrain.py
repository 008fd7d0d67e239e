#!/usr/bin/env python
"""MAE pretraining step throughput of mmmae vs MMPretrain 1.2 and an official-style MAE, side by side.

Each peer runs the same step (forward on the masked input, backward, AdamW step) on the
same random images, same arch, batch, image size and precision, in one process; the
peers take turns in every round so that machine noise falls on all of them. Prints
images/s per peer (median over rounds), peak GPU memory, and mmmae's ratio to each peer.

Examples:
    python tools/analysis_tools/benchmark_pretrain.py --arch b --batch 8          # CPU, fp32
    python tools/analysis_tools/benchmark_pretrain.py --arch b --batch 256 --dtype bf16 --device cuda
"""
import argparse
import statistics
import time
from typing import Callable, Dict

import torch
from timm.layers import PatchEmbed
from timm.models.vision_transformer import Block
from torch import nn

from mmmae.models.backbones.mae_vit import resolve_arch
from mmmae.models.converters.verify import build_mmmae_mae, build_mmpretrain_mae
from mmmae.utils import register_all_modules

DECODER = dict(decoder_embed_dim=512, decoder_depth=8, decoder_num_heads=16)


class OfficialStyleMAE(nn.Module):
    """The "official-style" peer: MAE written from the paper on timm's blocks, composed as the
    official code (facebookresearch/mae) composes them; benchmark-only (no registry, config or
    checkpoint layout). Position embeddings are zeros: their values do not change the cost.
    ``forward(images [N, 3, H, W]) -> loss``."""

    def __init__(self, img_size: int = 224, patch_size: int = 16, embed_dim: int = 768,
                 depth: int = 12, num_heads: int = 12, decoder_embed_dim: int = 512,
                 decoder_depth: int = 8, decoder_num_heads: int = 16, mask_ratio: float = 0.75):
        super().__init__()
        self.patch_size, self.mask_ratio = patch_size, mask_ratio
        self.patch_embed = PatchEmbed(img_size, patch_size, 3, embed_dim)
        num_patches = self.patch_embed.num_patches
        self.cls_token = nn.Parameter(torch.zeros(1, 1, embed_dim))
        self.register_buffer('pos_embed', torch.zeros(1, num_patches + 1, embed_dim))
        self.blocks = nn.ModuleList(Block(embed_dim, num_heads, 4.0, qkv_bias=True)
                                    for _ in range(depth))
        self.norm = nn.LayerNorm(embed_dim)
        self.decoder_embed = nn.Linear(embed_dim, decoder_embed_dim)
        self.mask_token = nn.Parameter(torch.zeros(1, 1, decoder_embed_dim))
        self.register_buffer('decoder_pos_embed', torch.zeros(1, num_patches + 1, decoder_embed_dim))
        self.decoder_blocks = nn.ModuleList(Block(decoder_embed_dim, decoder_num_heads, 4.0,
                                                  qkv_bias=True) for _ in range(decoder_depth))
        self.decoder_norm = nn.LayerNorm(decoder_embed_dim)
        self.decoder_pred = nn.Linear(decoder_embed_dim, patch_size ** 2 * 3)

    def patchify(self, images: torch.Tensor) -> torch.Tensor:
        n, c, h, w = images.shape
        p = self.patch_size
        x = images.reshape(n, c, h // p, p, w // p, p)
        return torch.einsum('nchpwq->nhwpqc', x).reshape(n, (h // p) * (w // p), p * p * c)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        x = self.patch_embed(images) + self.pos_embed[:, 1:]
        n, length, dim = x.shape
        keep = int(length * (1 - self.mask_ratio))
        ids_shuffle = torch.argsort(torch.rand(n, length, device=x.device), dim=1)
        ids_restore = torch.argsort(ids_shuffle, dim=1)
        x = torch.gather(x, 1, ids_shuffle[:, :keep, None].expand(-1, -1, dim))
        mask = torch.ones(n, length, device=x.device)
        mask[:, :keep] = 0
        mask = torch.gather(mask, 1, ids_restore)
        cls = (self.cls_token + self.pos_embed[:, :1]).expand(n, -1, -1)
        x = torch.cat([cls, x], dim=1)
        for block in self.blocks:
            x = block(x)
        x = self.decoder_embed(self.norm(x))
        tokens = torch.cat([x[:, 1:], self.mask_token.expand(n, length - keep, -1)], dim=1)
        tokens = torch.gather(tokens, 1, ids_restore[..., None].expand(-1, -1, x.shape[2]))
        x = torch.cat([x[:, :1], tokens], dim=1) + self.decoder_pos_embed
        for block in self.decoder_blocks:
            x = block(x)
        pred = self.decoder_pred(self.decoder_norm(x))[:, 1:]
        target = self.patchify(images)
        mean, var = target.mean(-1, keepdim=True), target.var(-1, keepdim=True)
        target = (target - mean) / (var + 1e-6) ** 0.5
        loss = ((pred - target) ** 2).mean(-1)
        return (loss * mask).sum() / mask.sum()



def peers(arch: str, img_size: int) -> Dict[str, Callable[[], torch.nn.Module]]:
    """Builders of the three peers, each returning a module whose ``step_loss(images)`` is the loss."""
    spec = resolve_arch(arch)
    shape = dict(img_size=img_size, patch_size=spec['patch_size'], embed_dim=spec['embed_dim'],
                 depth=spec['depth'], num_heads=spec['num_heads'], **DECODER)
    return {
        'mmmae': lambda: with_step(build_mmmae_mae(**shape), lambda m, x: m.loss(x)['loss']),
        'mmpretrain': lambda: with_step(build_mmpretrain_mae(**shape),
                                        lambda m, x: m.loss(x, [])['loss']),
        'official-style': lambda: with_step(OfficialStyleMAE(**shape), lambda m, x: m(x)),
    }


def with_step(model: torch.nn.Module, loss_fn: Callable) -> torch.nn.Module:
    model.step_loss = lambda images: loss_fn(model, images)
    return model


def time_steps(model, optimizer, images, steps: int, dtype, device) -> float:
    """Seconds per training step, averaged over ``steps`` (after the device finishes)."""
    autocast = torch.autocast(device.type, dtype=dtype, enabled=dtype != torch.float32)
    if device.type == 'cuda':
        torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(steps):
        with autocast:
            loss = model.step_loss(images)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
    if device.type == 'cuda':
        torch.cuda.synchronize()
    return (time.perf_counter() - start) / steps


def main(argv=None) -> Dict[str, dict]:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--arch', default='b', help="mmmae arch name (demo, tiny, small, b, l, h)")
    parser.add_argument('--img-size', type=int, default=224)
    parser.add_argument('--batch', type=int, default=8)
    parser.add_argument('--dtype', choices=['fp32', 'bf16'], default='fp32')
    parser.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    parser.add_argument('--rounds', type=int, default=3, help='rounds of alternating peers')
    parser.add_argument('--steps', type=int, default=3, help='timed steps per peer and round')
    parser.add_argument('--peers', nargs='+', default=['mmmae', 'mmpretrain', 'official-style'])
    args = parser.parse_args(argv)
    register_all_modules()
    device, dtype = torch.device(args.device), dict(fp32=torch.float32, bf16=torch.bfloat16)[args.dtype]
    builders = peers(args.arch, args.img_size)
    torch.manual_seed(0)
    images = torch.randn(args.batch, 3, args.img_size, args.img_size, device=device)
    models, optimizers, times, memory = {}, {}, {name: [] for name in args.peers}, {}
    for name in args.peers:
        models[name] = builders[name]().to(device).train()
        optimizers[name] = torch.optim.AdamW(models[name].parameters(), lr=1.5e-4, betas=(0.9, 0.95),
                                             weight_decay=0.05)
        if device.type == 'cuda':
            torch.cuda.reset_peak_memory_stats()
        time_steps(models[name], optimizers[name], images, 1, dtype, device)  # warm-up
        if device.type == 'cuda':
            memory[name] = torch.cuda.max_memory_allocated() / 2**30
    for _ in range(args.rounds):
        for name in args.peers:
            times[name].append(time_steps(models[name], optimizers[name], images, args.steps, dtype,
                                          device))
    results = {}
    print(f'MAE pretraining step, arch {args.arch}, {args.img_size}px, batch {args.batch}, '
          f'{args.dtype}, {device.type} ({torch.get_num_threads()} threads), '
          f'median of {args.rounds} rounds x {args.steps} steps')
    for name in args.peers:
        seconds = statistics.median(times[name])
        results[name] = dict(step_s=seconds, img_per_s=args.batch / seconds, peak_gib=memory.get(name))
        mem = f'  peak {memory[name]:.2f} GiB' if name in memory else ''
        print(f'  {name:15s} {seconds * 1000:9.1f} ms/step  {args.batch / seconds:9.1f} img/s{mem}')
    if 'mmmae' in results:
        for name in results:
            if name != 'mmmae':
                print(f'  mmmae / {name}: {results[name]["step_s"] / results["mmmae"]["step_s"]:.2f}x '
                      'throughput')
    return results


if __name__ == '__main__':
    main()
