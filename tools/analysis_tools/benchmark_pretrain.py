#!/usr/bin/env python
"""MAE pretraining speed of mmmae vs MMPretrain 1.2 and an official-style MAE, side by side.

Model mode: each peer runs the same training step (forward on the masked input, backward,
optimizer step) on the same random images, arch, batch, image size and precision, in one
process; the peers take turns in every round so that machine noise falls on all of them.
Each peer's optimizer is its project's: mmmae's pretraining config's AdamW (fused), torch's
default AdamW for MMPretrain's config and the official code (``--same-optimizer``: torch's
default for all). Prints per peer the step time (median and best round), images/s, the
step's peak memory, achieved TFLOP/s and, on a GPU of known peak, MFU; with ``--compile`` the
compile time; and mmmae's ratio to each peer. ``--amp configured`` runs each peer in the
precision its project's config gives on this device (:func:`configured_amp`).

Data mode (``--pipeline-folder DIR``): images/s per CPU core of the training input pipeline
(decode + RandomResizedCrop(224, 0.2-1) + flip) of mmmae's ImageNet MAE config, of MMPretrain
1.2's, and of mmmae's GPU-decode config (bytes read on the CPU; decode, crop and flip in the
data preprocessor on ``--device``), one thread, alternating.

Examples:
    python tools/analysis_tools/benchmark_pretrain.py --arch b --batch 8
    python tools/analysis_tools/benchmark_pretrain.py --arch b --batch 256 --amp bf16 --device cuda
    python tools/analysis_tools/benchmark_pretrain.py --arch b --batch 8 --amp configured
    python tools/analysis_tools/benchmark_pretrain.py --pipeline-folder data/photos --as-jpeg
"""
import argparse
import datetime
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Dict, List, Optional, Union

import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope
from timm.layers import PatchEmbed
from timm.models.vision_transformer import Block
from torch import nn

from get_flops import counted_flops  # tools/analysis_tools/ (the script's folder)

from mmmae.engine import cpu_has_native_bf16
from mmmae.models.layers import attention
from mmmae.models.backbones.mae_vit import resolve_arch
from mmmae.models.converters.verify import build_mmmae_mae, build_mmpretrain_mae
from mmmae.utils import register_all_modules
from mmmae.utils.activation_memory import kept_for_backward

ROOT = Path(__file__).resolve().parents[2]
MMMAE_SCHEDULE = ROOT / 'configs' / '_base_' / 'schedules' / 'adamw_coslr-300e_mae.py'
MMMAE_DATA = ROOT / 'configs' / '_base_' / 'datasets' / 'imagenet_bs512_mae.py'
MMMAE_GPU_DECODE = ROOT / 'configs' / 'mae' / 'mae_vit-base-p16_8xb512-amp-coslr-300e_in1k-gpu-decode.py'
DECODER = dict(decoder_embed_dim=512, decoder_depth=8, decoder_num_heads=16)
AMP = {'off': None, 'bf16': torch.bfloat16, 'fp16': torch.float16}
# Dense peak TFLOPS (no sparsity) by GPU name, cited from NVIDIA's H100 / H200 / A100 datasheets;
# fp32 is the non-tensor-core peak (PyTorch does not use TF32 for fp32 matmuls by default).
PEAK_TFLOPS = [  # (name fragment, {amp: TFLOPS}), first match wins
    ('H100 PCIe', dict(bf16=756.0, fp16=756.0, off=51.0)),
    ('H100', dict(bf16=989.0, fp16=989.0, off=67.0)),  # SXM
    ('H200', dict(bf16=989.0, fp16=989.0, off=67.0)),
    ('A100', dict(bf16=312.0, fp16=312.0, off=19.5)),
]
PIPELINE_PEERS = ['mmmae', 'mmpretrain', 'gpu-decode', 'gpu-decode-loader']
IMAGE_SUFFIXES = {'.jpg', '.jpeg', '.png', '.webp', '.bmp', '.tif', '.tiff'}


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


# ---------------------------------------------------------------------------- model mode


def model_shape(arch: str, img_size: int) -> dict:
    spec = resolve_arch(arch)
    return dict(img_size=img_size, patch_size=spec['patch_size'], embed_dim=spec['embed_dim'],
                depth=spec['depth'], num_heads=spec['num_heads'], **DECODER)


def build_mmmae(shape: dict, with_cp: bool, selective_cp: bool) -> nn.Module:
    model = build_mmmae_mae(**shape)
    model.backbone.with_cp = model.neck.with_cp = with_cp
    for block in [*model.backbone.blocks, *model.neck.decoder_blocks]:
        block.selective_cp = selective_cp
    return model


def peers(arch: str, img_size: int, with_cp: bool = False,
          selective_cp: bool = False) -> Dict[str, Callable[[], tuple]]:
    """Builders of the three peers, each returning ``(model, loss_fn(model, images))``;
    ``with_cp`` / ``selective_cp``: activation checkpointing of mmmae's encoder and decoder
    blocks, whole or of their LayerNorm and GELU outputs only."""
    shape = model_shape(arch, img_size)
    return {
        'mmmae': lambda: (build_mmmae(shape, with_cp, selective_cp),
                          lambda m, x: m.loss(x)['loss']),
        'mmpretrain': lambda: (build_mmpretrain_mae(**shape), lambda m, x: m.loss(x, [])['loss']),
        'official-style': lambda: (OfficialStyleMAE(**shape), lambda m, x: m(x)),
    }


def optimizer_options(peer: str, same: bool) -> dict:
    """AdamW options beyond lr / betas / weight decay as the peer's project configures them:
    mmmae's pretraining schedule (``fused``/``foreach``), torch's defaults for the others."""
    if peer != 'mmmae' or same:
        return {}
    optimizer = Config.fromfile(str(MMMAE_SCHEDULE)).optim_wrapper.optimizer
    return {key: optimizer[key] for key in ('fused', 'foreach') if key in optimizer}


def configured_amp(peer: str, device: torch.device) -> str:
    """The precision the peer's pretraining config trains in on ``device``: mmmae's configs bf16
    (on a CPU only with native bf16, as tools/train.py does); MMPretrain's MAE config fp16 with
    loss scaling (``AmpOptimWrapper``, which mmengine refuses without a GPU: fp32 there); the
    official code fp16 autocast with a loss scaler on a GPU, fp32 on a CPU."""
    if peer == 'mmmae':
        return 'bf16' if device.type == 'cuda' or cpu_has_native_bf16() else 'off'
    return 'fp16' if device.type == 'cuda' else 'off'


def make_step(model: nn.Module, loss_fn: Callable, optimizer: torch.optim.Optimizer,
              amp: Optional[torch.dtype], device: torch.device, compile_model: bool) -> Callable:
    """One training step ``step(images)``: autocast forward, (scaled) backward, optimizer step."""
    loss_of = torch.compile(lambda x: loss_fn(model, x)) if compile_model else \
        (lambda x: loss_fn(model, x))
    scaler = torch.amp.GradScaler(device.type, enabled=amp == torch.float16)

    def step(images: torch.Tensor) -> None:
        with torch.autocast(device.type, dtype=amp or torch.float32, enabled=amp is not None):
            loss = loss_of(images)
        scaler.scale(loss).backward()
        scaler.step(optimizer)
        scaler.update()
        optimizer.zero_grad(set_to_none=True)
    return step


def device_label(device: torch.device) -> str:
    """``cpu (N threads)`` or ``cuda (GPU name)``, for the report and the JSON lines."""
    if device.type == 'cuda':
        return f'cuda ({torch.cuda.get_device_name(device)})'
    return f'{device.type} ({torch.get_num_threads()} threads)'


def sync(device: torch.device) -> None:
    if device.type == 'cuda':
        torch.cuda.synchronize()


def timed(step: Callable, images: torch.Tensor, steps: int, device: torch.device) -> float:
    """Seconds per step, averaged over ``steps`` (after the device finishes)."""
    sync(device)
    start = time.perf_counter()
    for _ in range(steps):
        step(images)
    sync(device)
    return (time.perf_counter() - start) / steps


def kept_bytes(model: nn.Module, loss_fn: Callable, images: torch.Tensor,
               amp: Optional[torch.dtype]) -> int:
    """Bytes the peer's eager forward keeps for backward (its activations, not the parameters):
    allocator-free, so on a CPU it tells what a GPU keeps with the same kernels."""
    def forward() -> None:
        with torch.autocast(images.device.type, dtype=amp or torch.float32, enabled=amp is not None):
            loss_fn(model, images)
    return kept_for_backward(forward, model.parameters())


def persistent_bytes(model: nn.Module, optimizer: torch.optim.Optimizer) -> int:
    tensors = [*model.parameters(), *model.buffers(),
               *(v for state in optimizer.state.values() for v in state.values()
                 if isinstance(v, torch.Tensor))]
    return sum(t.numel() * t.element_size() for t in tensors)


def step_peak_bytes(step: Callable, images: torch.Tensor, device: torch.device) -> int:
    """Peak of the bytes a step allocates on top of what was alive before it.

    CUDA: ``torch.cuda.max_memory_allocated``. CPU: the running sum of the allocations and
    frees the torch profiler records (``profile_memory``), which counts tensors, not RSS.
    """
    if device.type == 'cuda':
        torch.cuda.synchronize()
        start = torch.cuda.memory_allocated()
        torch.cuda.reset_peak_memory_stats()
        step(images)
        torch.cuda.synchronize()
        return torch.cuda.max_memory_allocated() - start
    with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU],
                                profile_memory=True) as profile:
        step(images)
    events = sorted((e for e in profile.profiler.kineto_results.events() if e.name() == '[memory]'),
                    key=lambda e: e.start_ns())
    live = peak = 0
    for event in events:
        live += event.nbytes()
        peak = max(peak, live)
    return peak


def step_flops(arch: str, img_size: int, batch: int) -> int:
    """Model FLOPs of one training step (forward + backward, 2 per multiply-add), counted by
    ``torch.utils.flop_counter`` on the meta device as get_flops.py counts them."""
    with torch.device('meta'):
        model = build_mmmae_mae(**model_shape(arch, img_size))
        images = torch.zeros(batch, 3, img_size, img_size)
    return counted_flops(lambda: model.loss(images)['loss'].backward())


def matmul_tflops(device: torch.device, amp: str, size: int = 2048, repeats: int = 5) -> float:
    """The device's measured dense matmul rate at ``amp``'s dtype: the best of ``repeats``
    ``size``-cubed products, after one warm-up. On a CPU this is the practical peak of the
    threads in use, which no datasheet gives."""
    a, b = (torch.randn(size, size, device=device, dtype=AMP[amp] or torch.float32)
            for _ in range(2))
    seconds = min(timed(lambda _: torch.mm(a, b), a, 1, device) for _ in range(repeats + 1))
    return 2 * size**3 / seconds / 1e12


def peak_tflops(device: torch.device, amp: str, given: Union[float, str, None]) -> Optional[float]:
    """The peak MFU is taken against: ``given`` TFLOPS, the measured matmul rate for
    ``'measure'``, else the datasheet peak of a known GPU (None on a CPU or another GPU)."""
    if given == 'measure':
        return matmul_tflops(device, amp)
    if given or device.type != 'cuda':
        return given
    name = torch.cuda.get_device_name(device)
    return next((peaks[amp] for fragment, peaks in PEAK_TFLOPS if fragment in name), None)


def peak_option(text: str) -> Union[float, str]:
    """``--peak-tflops``: a positive number or ``measure``."""
    if text == 'measure':
        return text
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if value <= 0:
        raise argparse.ArgumentTypeError(f"'{text}' is neither a positive number of TFLOPS nor "
                                         "'measure'")
    return value


KEPT_NOTE = ('kept: the activations an eager forward keeps for backward (saved tensors, each '
             'storage once, parameters left out)')


def mmmae_options(args: argparse.Namespace) -> str:
    """``', mmmae with_cp'`` and so on, for the memory options set on mmmae's blocks."""
    return ''.join(f', mmmae {name}' for name in ('with_cp', 'selective_cp') if getattr(args, name))


def peer_amp(args: argparse.Namespace, peer: str, device: torch.device) -> str:
    """``--amp``, or with ``configured`` the peer's own precision on ``device``."""
    return configured_amp(peer, device) if args.amp == 'configured' else args.amp


def training_state_bytes(model: nn.Module) -> int:
    """What training keeps between steps: parameters, buffers, and for each trainable parameter
    its gradient and AdamW's two moments."""
    params = sum(p.numel() * p.element_size() for p in model.parameters())
    trainable = sum(p.numel() * p.element_size() for p in model.parameters() if p.requires_grad)
    return params + 3 * trainable + sum(b.numel() * b.element_size() for b in model.buffers())


def model_inputs(args: argparse.Namespace) -> tuple:
    """The peers' builders and the random images every peer gets."""
    register_all_modules()
    builders = peers(args.arch, args.img_size, args.with_cp, args.selective_cp)
    torch.manual_seed(0)
    return builders, torch.randn(args.batch, 3, args.img_size, args.img_size, device=args.device)


def run_memory(args: argparse.Namespace) -> Dict[str, dict]:
    """``--memory-only``: per peer, the activations one eager forward keeps for backward and the
    training state, without running a step: sizes a GPU job on any machine."""
    builders, images = model_inputs(args)
    print(f'MAE pretraining memory, arch {args.arch}, {args.img_size}px, batch {args.batch}, amp '
          f'{args.amp}{mmmae_options(args)}, {device_label(images.device)}')
    print(f'  {"peer":15s} {"amp":4s} {"kept MiB":>9s} {"state MiB":>10s} {"sum MiB":>9s}')
    results = {}
    for name in args.peers:
        model, loss_fn = builders[name]()
        model = model.to(images.device).train()
        amp = peer_amp(args, name, images.device)
        kept = kept_bytes(model, loss_fn, images, AMP[amp]) / 2**20
        state = training_state_bytes(model) / 2**20
        results[name] = dict(amp=amp, kept_mib=kept, state_mib=state)
        print(f'  {name:15s} {amp:4s} {kept:9.0f} {state:10.0f} {kept + state:9.0f}')
    print(f'  {KEPT_NOTE}; state: parameters, buffers, gradients and AdamW moments. A step needs '
          'their sum plus its largest transient buffers (and, on a GPU, the allocator\'s slack)')
    print_ratios(results, dict(kept_mib='kept for backward', state_mib='state'))
    return results


def print_ratios(results: Dict[str, dict], measures: Dict[str, str]) -> None:
    """One line per peer: mmmae's value over the peer's for each ``{result key: label}``."""
    if 'mmmae' not in results:
        return
    ours = results['mmmae']
    for name, theirs in results.items():
        if name != 'mmmae':
            print(f'  mmmae / {name}: ' + ', '.join(
                f'{label} {ours[key] / theirs[key]:.2f}x' for key, label in measures.items()))


def run_models(args: argparse.Namespace) -> Dict[str, dict]:
    builders, images = model_inputs(args)
    device = images.device
    steps, times, info = {}, {name: [] for name in args.peers}, {}
    for name in args.peers:
        model, loss_fn = builders[name]()
        model = model.to(device).train()
        options = optimizer_options(name, args.same_optimizer)
        optimizer = torch.optim.AdamW(model.parameters(), lr=1.5e-4, betas=(0.9, 0.95),
                                      weight_decay=0.05, **options)
        amp = peer_amp(args, name, device)
        kept = kept_bytes(model, loss_fn, images, AMP[amp])
        steps[name] = make_step(model, loss_fn, optimizer, AMP[amp], device, args.compile)
        first = timed(steps[name], images, 1, device)  # warm-up (and compilation)
        peak = step_peak_bytes(steps[name], images, device) + persistent_bytes(model, optimizer)
        info[name] = dict(first_s=first, peak_mib=peak / 2**20, kept_mib=kept / 2**20, amp=amp,
                          optimizer='AdamW' + ''.join(f' {k}' for k, v in options.items() if v))
    for _ in range(args.rounds):
        for name in args.peers:
            times[name].append(timed(steps[name], images, args.steps, device))
    flops = step_flops(args.arch, args.img_size, args.batch)
    half_attention = f'mmmae CPU half-precision attention {attention.CPU_HALF_ATTENTION}, ' \
        if device.type == 'cpu' and args.amp != 'off' else ''
    print(f'MAE pretraining step, arch {args.arch}, {args.img_size}px, batch {args.batch}, amp '
          f'{args.amp}, {"compiled" if args.compile else "eager"}{mmmae_options(args)}, '
          f'{device_label(device)}, {half_attention}'
          f'{args.rounds} rounds x {args.steps} steps, {flops / 1e12:.3f} TFLOP/step')
    memory = 'peak MiB' if device.type == 'cuda' else 'peak MiB*'
    print(f'  {"peer":15s} {"amp":4s} {"optimizer":12s} {"ms/step":>9s} {"best":>9s} {"img/s":>8s} '
          f'{memory:>10s} {"kept MiB":>9s} {"TFLOP/s":>8s} {"MFU":>6s}')
    results, peaks = {}, {}
    for name in args.peers:
        seconds, best = statistics.median(times[name]), min(times[name])
        achieved = flops / seconds / 1e12
        amp = info[name]['amp']
        if amp not in peaks:
            peaks[amp] = peak_tflops(device, amp, args.peak_tflops)
        peak = peaks[amp]
        result = dict(info[name], step_s=seconds, best_s=best, img_per_s=args.batch / seconds,
                      best_img_per_s=args.batch / best,
                      tflops=achieved, peak_tflops=peak, mfu=achieved / peak if peak else None,
                      compile_s=info[name]['first_s'] - seconds if args.compile else None)
        results[name] = result
        mfu = f'{result["mfu"]:6.1%}' if peak else '   n/a'
        print(f'  {name:15s} {result["amp"]:4s} {result["optimizer"]:12s} {seconds * 1e3:9.1f} '
              f'{best * 1e3:9.1f} {result["img_per_s"]:8.1f} {result["peak_mib"]:10.0f} '
              f'{result["kept_mib"]:9.0f} '
              f'{achieved:8.3f} {mfu}')
    if device.type != 'cuda':
        print('  * CPU peak: parameters, buffers and optimizer state plus the peak of the tensors one '
              'step allocates (torch profiler), not RSS')
    print(f'  {KEPT_NOTE}')
    if args.peak_tflops == 'measure':
        print('  MFU against the measured matmul rate: ' + ', '.join(
            f'{amp} {peak:.3f} TFLOP/s' for amp, peak in peaks.items()))
    elif any(r['mfu'] is None for r in results.values()):
        print('  MFU: no peak known for this device; pass --peak-tflops TFLOPS or measure')
    if args.compile:
        print('  compile (first step minus a median step): ' + ', '.join(
            f'{name} {r["compile_s"]:.1f} s' for name, r in results.items()))
    print_ratios(results, dict(img_per_s='throughput (median)', best_img_per_s='(best)',
                               peak_mib='peak memory', kept_mib='kept for backward'))
    return results


# ---------------------------------------------------------------------------- data mode


def image_files(folder: Path, as_jpeg: bool, scratch: Path) -> List[Path]:
    """The images under ``folder``; with ``as_jpeg`` re-encoded as RGB JPEGs (quality 90)."""
    files = sorted(p for p in folder.rglob('*') if p.suffix.lower() in IMAGE_SUFFIXES)
    if not files:
        raise SystemExit(f'no images under {folder}; write some with '
                         'tools/dataset_converters/skimage_to_folder.py --out DIR')
    if not as_jpeg:
        return files
    from PIL import Image
    out = []
    for index, path in enumerate(files):
        with Image.open(path) as image:
            target = scratch / f'{index:05d}.jpg'
            image.convert('RGB').save(target, quality=90)
            out.append(target)
    return out


def build_pipeline(config: Path, scope: str):
    """The ``train_pipeline`` of a dataset config, built in ``scope``'s registry."""
    from mmcv.transforms import Compose
    from mmengine.registry import TRANSFORMS
    with DefaultScope.overwrite_default_scope(scope):
        return Compose([TRANSFORMS.build(t) for t in Config.fromfile(str(config)).train_pipeline])


def pipeline_peers(device: torch.device, batch: int) -> Dict[str, Callable[[List[Path]], None]]:
    """Each peer runs its training pipeline over a list of files; ``gpu-decode-loader`` is the
    data loader's share of ``gpu-decode`` (read bytes, pack, collate)."""
    import mmpretrain
    from mmengine.dataset import pseudo_collate

    from mmmae.registry import MODELS
    theirs_config = Path(mmpretrain.__file__).parent / '.mim' / 'configs' / '_base_' / 'datasets' / \
        'imagenet_bs512_mae.py'
    ours, theirs = build_pipeline(MMMAE_DATA, 'mmmae'), build_pipeline(theirs_config, 'mmpretrain')
    decode_cfg = Config.fromfile(str(MMMAE_GPU_DECODE))
    load_bytes = build_pipeline(MMMAE_GPU_DECODE, 'mmmae')
    with DefaultScope.overwrite_default_scope('mmmae'):
        preprocessor = MODELS.build(decode_cfg.model.data_preprocessor).to(device)

    def per_image(pipeline):
        return lambda files: [pipeline(dict(img_path=str(f))) for f in files]

    def gpu_decode(files):
        for start in range(0, len(files), batch):
            data = pseudo_collate(per_image(load_bytes)(files[start:start + batch]))
            preprocessor(data, training=True)
        sync(device)

    def loader_share(files):  # what the data loader workers still do with gpu-decode
        for start in range(0, len(files), batch):
            pseudo_collate(per_image(load_bytes)(files[start:start + batch]))
    return {'mmmae': per_image(ours), 'mmpretrain': per_image(theirs), 'gpu-decode': gpu_decode,
            'gpu-decode-loader': loader_share}


def run_pipelines(args: argparse.Namespace) -> Dict[str, dict]:
    import cv2
    register_all_modules()
    torch.set_num_threads(1)
    cv2.setNumThreads(1)
    device = torch.device(args.device)
    with tempfile.TemporaryDirectory() as scratch:
        files = image_files(Path(args.pipeline_folder), args.as_jpeg, Path(scratch))
        runs = pipeline_peers(device, args.batch)
        names = [n for n in runs if n in args.pipeline_peers]
        for name in names:
            runs[name](files[:2])  # warm-up
        times = {name: [] for name in names}
        for _ in range(args.rounds):
            for name in names:
                start = time.perf_counter()
                runs[name](files)
                times[name].append(time.perf_counter() - start)
    kinds = sorted({f.suffix.lower() for f in files})
    print(f'input pipeline: decode + RandomResizedCrop(224, 0.2-1) + flip, {len(files)} files '
          f'({", ".join(kinds)}), 1 CPU thread, gpu-decode on {device.type}, median of '
          f'{args.rounds} rounds')
    results = {}
    for name in names:
        seconds = statistics.median(times[name])
        results[name] = dict(img_per_s=len(files) / seconds, best_img_per_s=len(files) / min(times[name]))
        print(f'  {name:17s} {results[name]["img_per_s"]:8.1f} img/s per core (best round '
              f'{results[name]["best_img_per_s"]:.1f})')
    if 'mmmae' in results:
        for name in results:
            if name != 'mmmae':
                print(f'  mmmae / {name}: '
                      f'{results["mmmae"]["img_per_s"] / results[name]["img_per_s"]:.2f}x')
    return results


def main(argv=None) -> Dict[str, dict]:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--arch', default='b', help="mmmae arch name (demo, tiny, small, b, l, h)")
    parser.add_argument('--img-size', type=int, default=224)
    parser.add_argument('--batch', type=int, default=8, help='images per step (data mode: per '
                        'gpu-decode batch)')
    parser.add_argument('--amp', choices=[*AMP, 'configured'], default='off',
                        help='autocast dtype; fp16 adds loss scaling (default: off, fp32); '
                        "configured: each peer's config's precision on this device")
    parser.add_argument('--compile', action='store_true', help='torch.compile every peer')
    parser.add_argument('--with-cp', action='store_true',
                        help="activation checkpointing in mmmae's blocks (MMPretrain's MAE has none)")
    parser.add_argument('--selective-cp', action='store_true',
                        help="mmmae's blocks recompute their LayerNorm and GELU outputs in backward")
    parser.add_argument('--cpu-half-attention', choices=attention.CPU_HALF_ATTENTION_CHOICES,
                        help="how mmmae attends bf16/fp16 on a CPU: upcast to PyTorch's fp32 "
                        "kernel (mmmae's default) or its native half-precision one "
                        '(default: the MMMAE_CPU_HALF_ATTENTION environment variable, else fp32)')
    parser.add_argument('--same-optimizer', action='store_true',
                        help="torch's default AdamW for every peer, mmmae included")
    parser.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    parser.add_argument('--threads', type=int, help='CPU threads (default: torch\'s); on a CPU '
                        'shared with other jobs, 1 avoids stalls at every parallel region')
    parser.add_argument('--rounds', type=int, default=3, help='rounds of alternating peers')
    parser.add_argument('--steps', type=int, default=3, help='timed steps per peer and round')
    parser.add_argument('--peers', nargs='+', default=['mmmae', 'mmpretrain', 'official-style'],
                        choices=['mmmae', 'mmpretrain', 'official-style'])
    parser.add_argument('--peak-tflops', type=peak_option,
                        help="the peak for MFU: dense TFLOPS at --amp (a GPU not in the table), or "
                        "'measure': this device's measured matmul rate (CPUs too)")
    parser.add_argument('--memory-only', action='store_true',
                        help='run no step: report the activations each peer keeps for backward and '
                        'its training state (size a GPU job on any machine)')
    parser.add_argument('--json', metavar='FILE', help='append the results as one JSON line to FILE')
    data = parser.add_argument_group('data mode')
    data.add_argument('--pipeline-folder', help='time the input pipelines on the images in DIR '
                      'instead of the models')
    data.add_argument('--as-jpeg', action='store_true', help='re-encode the images as RGB JPEGs first')
    data.add_argument('--pipeline-peers', nargs='+', choices=PIPELINE_PEERS, default=PIPELINE_PEERS)
    args = parser.parse_args(argv)
    if args.cpu_half_attention:
        attention.CPU_HALF_ATTENTION = args.cpu_half_attention
    if args.threads:
        torch.set_num_threads(args.threads)
    run = run_pipelines if args.pipeline_folder else run_memory if args.memory_only else run_models
    results = run(args)
    if args.json:
        append_json_line(args.json, argv if argv is not None else sys.argv[1:], args.device, results)
    return results


def append_json_line(path: str, argv: List[str], device: str, results: Dict[str, dict]) -> None:
    """One line per run: the options, the machine, the date and every peer's results."""
    record = dict(argv=list(argv), device=device_label(torch.device(device)), torch=torch.__version__,
                  date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds'),
                  results=results)
    with open(path, 'a') as file:
        file.write(json.dumps(record) + '\n')


if __name__ == '__main__':
    main()
