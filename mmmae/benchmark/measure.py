"""How the benchmarks measure: timing on the device, bytes kept and peaked, FLOPs counted,
the device's peak rate, kernel profiles, and the one-JSON-line record of a run."""
import datetime
import json
import time
from typing import Callable, Dict, List, Optional, Union

import torch
from torch import nn
from torch.nn.attention import SDPBackend, sdpa_kernel
from torch.utils.flop_counter import FlopCounterMode

from mmmae.utils.activation_memory import kept_for_backward

AMP = {'off': None, 'bf16': torch.bfloat16, 'fp16': torch.float16}
# Dense peak TFLOPS (no sparsity) by GPU name, cited from NVIDIA's H100 / H200 / A100 datasheets;
# fp32 is the non-tensor-core peak (PyTorch does not use TF32 for fp32 matmuls by default).
PEAK_TFLOPS = [  # (name fragment, {amp: TFLOPS}), first match wins
    ('H100 PCIe', dict(bf16=756.0, fp16=756.0, off=51.0)),
    ('H100', dict(bf16=989.0, fp16=989.0, off=67.0)),  # SXM
    ('H200', dict(bf16=989.0, fp16=989.0, off=67.0)),
    ('A100', dict(bf16=312.0, fp16=312.0, off=19.5)),
]
KEPT_NOTE = ('kept: the activations an eager forward keeps for backward (saved tensors, each '
             'storage once, parameters left out)')


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


def autocast(device: torch.device, amp: Optional[torch.dtype]):
    return torch.autocast(device.type, dtype=amp or torch.float32, enabled=amp is not None)


def kept_bytes(model: nn.Module, loss_fn: Callable, images: torch.Tensor,
               amp: Optional[torch.dtype]) -> int:
    """Bytes the peer's eager forward keeps for backward (its activations, not the parameters):
    allocator-free, so on a CPU it tells what a GPU keeps with the same kernels."""
    def forward() -> None:
        with autocast(images.device, amp):
            loss_fn(model, images)
    return kept_for_backward(forward, model.parameters())


def persistent_bytes(model: nn.Module, optimizer: torch.optim.Optimizer) -> int:
    """Parameters, buffers and optimizer state as they are allocated now."""
    tensors = [*model.parameters(), *model.buffers(),
               *(v for state in optimizer.state.values() for v in state.values()
                 if isinstance(v, torch.Tensor))]
    return sum(t.numel() * t.element_size() for t in tensors)


def training_state_bytes(model: nn.Module) -> int:
    """What training keeps between steps: parameters, buffers, and for each trainable parameter
    its gradient and AdamW's two moments."""
    params = sum(p.numel() * p.element_size() for p in model.parameters())
    trainable = sum(p.numel() * p.element_size() for p in model.parameters() if p.requires_grad)
    return params + 3 * trainable + sum(b.numel() * b.element_size() for b in model.buffers())


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


def device_memory(device: torch.device) -> dict:
    """On a GPU: its total memory and what the caching allocator reserved at most (MiB)."""
    if device.type != 'cuda':
        return {}
    return dict(device_total_mib=torch.cuda.get_device_properties(device).total_memory / 2**20,
                max_reserved_mib=torch.cuda.max_memory_reserved(device) / 2**20)


def top_kernels(step: Callable, images: torch.Tensor, device: torch.device,
                count: int) -> List[dict]:
    """The ``count`` operators (CUDA kernels on a GPU) that take the most self time in one
    profiled step, with their share of the step's total."""
    activities = [torch.profiler.ProfilerActivity.CPU]
    if device.type == 'cuda':
        activities.append(torch.profiler.ProfilerActivity.CUDA)
    with torch.profiler.profile(activities=activities) as profile:
        step(images)
        sync(device)
    attribute = 'self_device_time_total' if device.type == 'cuda' else 'self_cpu_time_total'
    events = [e for e in profile.key_averages() if getattr(e, attribute) > 0]
    total = sum(getattr(e, attribute) for e in events) or 1
    events.sort(key=lambda e: getattr(e, attribute), reverse=True)
    return [dict(name=e.key, ms=getattr(e, attribute) / 1e3, share=getattr(e, attribute) / total,
                 calls=e.count) for e in events[:count]]


def counted_flops(run: Callable, *args) -> int:
    """FLOPs (2 per multiply-add) of ``run(*args)``; the math attention backend runs as matmuls
    the counter sees."""
    with sdpa_kernel(SDPBackend.MATH), FlopCounterMode(display=False) as counter:
        run(*args)
    return counter.get_total_flops()


def matmul_tflops(device: torch.device, amp: str, size: Optional[int] = None,
                  repeats: int = 5) -> float:
    """The device's measured dense matmul rate at ``amp``'s dtype: the best of ``repeats``
    ``size``-cubed products (8192 on a GPU, 2048 on a CPU), after one warm-up. On a CPU this is
    the practical peak of the threads in use, which no datasheet gives."""
    size = size or (8192 if device.type == 'cuda' else 2048)
    a, b = (torch.randn(size, size, device=device, dtype=AMP[amp] or torch.float32)
            for _ in range(2))
    seconds = min(timed(lambda _: torch.mm(a, b), a, 1, device) for _ in range(repeats + 1))
    return 2 * size**3 / seconds / 1e12


def datasheet_tflops(device: torch.device, amp: str) -> Optional[float]:
    """The dense datasheet peak of a known GPU at ``amp`` (None on a CPU or another GPU)."""
    if device.type != 'cuda':
        return None
    name = torch.cuda.get_device_name(device)
    return next((peaks[amp] for fragment, peaks in PEAK_TFLOPS if fragment in name), None)


def peak_tflops(device: torch.device, amp: str, given: Union[float, str, None]) -> Optional[float]:
    """The peak MFU is taken against: ``given`` TFLOPS, the measured matmul rate for
    ``'measure'``, else the datasheet peak of a known GPU (None on a CPU or another GPU)."""
    if given == 'measure':
        return matmul_tflops(device, amp)
    return given or datasheet_tflops(device, amp)


def print_ratios(results: Dict[str, dict], measures: Dict[str, str]) -> None:
    """One line per peer: mmmae's value over the peer's for each ``{result key: label}``."""
    if 'mmmae' not in results:
        return
    ours = results['mmmae']
    for name, theirs in results.items():
        if name != 'mmmae':
            print(f'  mmmae / {name}: ' + ', '.join(
                f'{label} {ours[key] / theirs[key]:.2f}x' for key, label in measures.items()
                if theirs.get(key)))


def append_json_line(path: str, argv: List[str], device: str, results: Dict[str, dict]) -> None:
    """One line per run: the options, the machine, the date and every peer's results."""
    record = dict(argv=list(argv), device=device_label(torch.device(device)), torch=torch.__version__,
                  date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds'),
                  results=results)
    with open(path, 'a') as file:
        file.write(json.dumps(record) + '\n')
