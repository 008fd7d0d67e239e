"""The pretraining step of each peer, side by side: time, throughput, peak memory, FLOPs, MFU.

Each peer runs the same training step (forward on the masked input, backward, optimizer step)
on the same random images, arch, batch, image size and precision, in one process; the peers take
turns in every round so that machine noise falls on all of them. Each peer's optimizer is its
project's: mmmae's pretraining config's AdamW (fused), torch's default AdamW for MMPretrain's
config and the official code (``same_optimizer``: torch's default for all).

With ``config``, mmmae is built from a pretraining config instead (its model, memory options,
batch per GPU, image size and precision): what that config's training step needs.
"""
import statistics
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Union

import torch
from mmengine.config import Config
from torch import nn

from mmmae.utils import register_all_modules
from .measure import (AMP, KEPT_NOTE, autocast, device_label, device_memory, kept_bytes,
                      matmul_tflops, peak_tflops, persistent_bytes, print_ratios, step_peak_bytes,
                      timed, top_kernels, counted_flops)
from .peers import configured_amp, mmmae_loss, optimizer_options, peers


@dataclass
class StepBench:
    """What :func:`run_step` measures; the fields are benchmark_pretrain.py's options."""
    arch: str = 'b'
    img_size: int = 224
    batch: Optional[int] = None  # default 8, or the config's batch per GPU
    amp: str = 'off'  # off / bf16 / fp16 / configured
    compile: bool = False
    with_cp: bool = False
    selective_cp: bool = False
    same_optimizer: bool = False
    device: str = 'cpu'
    rounds: int = 3
    steps: int = 3
    peers: List[str] = field(default_factory=lambda: ['mmmae', 'mmpretrain', 'official-style'])
    peak_tflops: Union[float, str, None] = None
    config: Optional[str] = None
    profile: int = 0  # top kernels of one profiled step per peer, 0: none
    cpu_half_attention: str = 'fp32'  # mmmae's bf16/fp16 attention kernel on a CPU

    def memory_options(self) -> str:
        """``', mmmae with_cp'`` and so on, for the memory options set on mmmae's blocks."""
        return ''.join(f', mmmae {name}' for name in ('with_cp', 'selective_cp')
                       if getattr(self, name))

    def peer_amp(self, peer: str, device: torch.device) -> str:
        """``amp``, or with ``configured`` the peer's own precision on ``device``."""
        return configured_amp(peer, device) if self.amp == 'configured' else self.amp


def config_model(bench: StepBench, memory_options: bool = True) -> nn.Module:
    """mmmae's MAE as ``bench.config`` builds it (without its memory options if asked)."""
    from mmmae.registry import MODELS
    model = Config.fromfile(bench.config).model
    model.data_preprocessor = None
    if not memory_options:
        for part in ('backbone', 'neck'):
            model[part].update(with_cp=False, selective_cp=False)
    return MODELS.build(model)


def read_config(bench: StepBench) -> None:
    """Take the batch per GPU, image size, precision and memory options from ``bench.config``."""
    cfg = Config.fromfile(bench.config)
    backbone = cfg.model.backbone
    bench.img_size = backbone.get('img_size', 224)
    bench.batch = bench.batch or cfg.train_dataloader.batch_size
    if bench.amp == 'configured':
        amp = cfg.optim_wrapper.type in ('AmpOptimWrapper', 'AmpOrCPUOptimWrapper')
        bench.amp = {'bfloat16': 'bf16', 'float16': 'fp16'}[cfg.optim_wrapper.get('dtype')] \
            if amp else 'off'
    bench.arch = str(backbone.get('arch', bench.arch))
    bench.with_cp = bool(backbone.get('with_cp'))
    bench.selective_cp = bool(backbone.get('selective_cp'))
    bench.cpu_half_attention = backbone.get('cpu_half_attention', 'fp32')


def plain_mmmae(bench: StepBench) -> nn.Module:
    """The step's mmmae model without memory options, whose FLOPs are the model FLOPs."""
    if bench.config:
        return config_model(bench, memory_options=False)
    return peers(bench.arch, bench.img_size)['mmmae']()[0]


def make_step(model: nn.Module, loss_fn: Callable, optimizer: torch.optim.Optimizer,
              amp: Optional[torch.dtype], device: torch.device, compile_model: bool) -> Callable:
    """One training step ``step(images)``: autocast forward, (scaled) backward, optimizer step."""
    loss_of = torch.compile(lambda x: loss_fn(model, x)) if compile_model else \
        (lambda x: loss_fn(model, x))
    scaler = torch.amp.GradScaler(device.type, enabled=amp == torch.float16)

    def step(images: torch.Tensor) -> None:
        with autocast(device, amp):
            loss = loss_of(images)
        scaler.scale(loss).backward()
        scaler.step(optimizer)
        scaler.update()
        optimizer.zero_grad(set_to_none=True)
    return step


def step_flops(bench: StepBench) -> int:
    """Model FLOPs of one training step (forward + backward, 2 per multiply-add), counted by
    ``torch.utils.flop_counter`` on the meta device as get_flops.py counts them."""
    with torch.device('meta'):
        model = plain_mmmae(bench)
        images = torch.zeros(bench.batch, 3, bench.img_size, bench.img_size)
    return counted_flops(lambda: mmmae_loss(model, images).backward())


def run_step(bench: StepBench) -> Dict[str, dict]:
    """Time every peer's step; print the table and the ratios; return each peer's results."""
    register_all_modules()
    device = torch.device(bench.device)
    if bench.config:
        read_config(bench)
        builders, names = {'mmmae': lambda: (config_model(bench), mmmae_loss)}, ['mmmae']
    else:
        builders, names = peers(bench.arch, bench.img_size, bench.with_cp, bench.selective_cp,
                                bench.cpu_half_attention), bench.peers
    bench.batch = bench.batch or 8
    torch.manual_seed(0)
    images = torch.randn(bench.batch, 3, bench.img_size, bench.img_size, device=device)
    steps, times, info = {}, {name: [] for name in names}, {}
    for name in names:
        model, loss_fn = builders[name]()
        model = model.to(device).train()
        options = optimizer_options(name, bench.same_optimizer)
        optimizer = torch.optim.AdamW(model.parameters(), lr=1.5e-4, betas=(0.9, 0.95),
                                      weight_decay=0.05, **options)
        amp = bench.peer_amp(name, device)
        kept = kept_bytes(model, loss_fn, images, AMP[amp])
        steps[name] = make_step(model, loss_fn, optimizer, AMP[amp], device, bench.compile)
        first = timed(steps[name], images, 1, device)  # warm-up (and compilation)
        peak = step_peak_bytes(steps[name], images, device) + persistent_bytes(model, optimizer)
        info[name] = dict(first_s=first, peak_mib=peak / 2**20, kept_mib=kept / 2**20, amp=amp,
                          optimizer='AdamW' + ''.join(f' {k}' for k, v in options.items() if v),
                          **device_memory(device))
    for _ in range(bench.rounds):
        for name in names:
            times[name].append(timed(steps[name], images, bench.steps, device))
    flops = step_flops(bench)
    return report(bench, device, names, info, times, flops, steps, images)


def report(bench: StepBench, device: torch.device, names: List[str], info: Dict[str, dict],
           times: Dict[str, List[float]], flops: int, steps: Dict[str, Callable],
           images: torch.Tensor) -> Dict[str, dict]:
    half_attention = f'mmmae CPU half-precision attention {bench.cpu_half_attention}, ' \
        if device.type == 'cpu' and bench.amp != 'off' else ''
    source = f'config {bench.config}' if bench.config else f'arch {bench.arch}'
    print(f'MAE pretraining step, {source}, {bench.img_size}px, batch {bench.batch}, amp '
          f'{bench.amp}, {"compiled" if bench.compile else "eager"}{bench.memory_options()}, '
          f'{device_label(device)}, {half_attention}'
          f'{bench.rounds} rounds x {bench.steps} steps, {flops / 1e12:.3f} TFLOP/step')
    memory = 'peak MiB' if device.type == 'cuda' else 'peak MiB*'
    print(f'  {"peer":18s} {"amp":4s} {"optimizer":12s} {"ms/step":>9s} {"best":>9s} {"img/s":>8s} '
          f'{memory:>10s} {"kept MiB":>9s} {"TFLOP/s":>8s} {"MFU":>6s}')
    results, peaks, measured = {}, {}, {}
    for name in names:
        seconds, best = statistics.median(times[name]), min(times[name])
        achieved = flops / seconds / 1e12
        amp = info[name]['amp']
        if amp not in peaks:
            peaks[amp] = peak_tflops(device, amp, bench.peak_tflops)
            if bench.peak_tflops == 'measure':
                measured[amp] = peaks[amp]
            elif device.type == 'cuda':  # cheap there: MFU against the datasheet and the chip
                measured[amp] = matmul_tflops(device, amp)
        peak = peaks[amp]
        result = dict(info[name], step_s=seconds, best_s=best, img_per_s=bench.batch / seconds,
                      best_img_per_s=bench.batch / best, flops_per_step=flops,
                      tflops=achieved, peak_tflops=peak, mfu=achieved / peak if peak else None,
                      measured_tflops=measured.get(amp),
                      mfu_measured=achieved / measured[amp] if measured.get(amp) else None,
                      compile_s=info[name]['first_s'] - seconds if bench.compile else None)
        if bench.profile:
            result['top_kernels'] = top_kernels(steps[name], images, device, bench.profile)
        results[name] = result
        mfu = f'{result["mfu"]:6.1%}' if peak else '   n/a'
        print(f'  {name:18s} {result["amp"]:4s} {result["optimizer"]:12s} {seconds * 1e3:9.1f} '
              f'{best * 1e3:9.1f} {result["img_per_s"]:8.1f} {result["peak_mib"]:10.0f} '
              f'{result["kept_mib"]:9.0f} {achieved:8.3f} {mfu}')
    if device.type != 'cuda':
        print('  * CPU peak: parameters, buffers and optimizer state plus the peak of the tensors one '
              'step allocates (torch profiler), not RSS')
    else:
        total = info[names[0]]['device_total_mib']
        print(f'  GPU memory {total:.0f} MiB; headroom over the peak: ' + ', '.join(
            f'{name} {total - r["peak_mib"]:.0f} MiB' for name, r in results.items()))
    print(f'  {KEPT_NOTE}')
    if measured:
        print('  measured matmul rate: ' + ', '.join(
            f'{amp} {rate:.3f} TFLOP/s' for amp, rate in measured.items()))
    if any(r['mfu'] is None for r in results.values()):
        print('  MFU: no peak known for this device; pass --peak-tflops TFLOPS or measure')
    if bench.compile:
        print('  compile (first step minus a median step): ' + ', '.join(
            f'{name} {r["compile_s"]:.1f} s' for name, r in results.items()))
    for name, result in results.items():
        for kernel in result.get('top_kernels', [])[:5]:
            print(f'  {name} top kernel: {kernel["share"]:5.1%} {kernel["ms"]:8.2f} ms '
                  f'{kernel["name"][:90]}')
    print_ratios(results, dict(img_per_s='throughput (median)', best_img_per_s='(best)',
                               peak_mib='peak memory', kept_mib='kept for backward'))
    return results
