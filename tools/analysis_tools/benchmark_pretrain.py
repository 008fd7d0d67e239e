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
import sys
import time
from pathlib import Path
from typing import Callable, Dict

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from official_style_mae import OfficialStyleMAE  # noqa: E402

from mmmae.models.backbones.mae_vit import resolve_arch  # noqa: E402
from mmmae.models.converters.verify import build_mmmae_mae, build_mmpretrain_mae  # noqa: E402
from mmmae.utils import register_all_modules  # noqa: E402

DECODER = dict(decoder_embed_dim=512, decoder_depth=8, decoder_num_heads=16)


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
