"""Per-GPU memory of MAE pretraining under DDP and FSDP, and the largest batch a GPU holds.

Counted, not allocated, so it sizes a job for any arch on any machine:

- **activations**: what an eager bf16-autocast forward keeps for backward
  (:func:`~mmmae.utils.activation_memory.kept_for_backward`), per image. Every encoder block of
  an arch keeps the same, so they are counted at depth 1 and 2 and extended linearly to the
  arch's depth (exact for identical blocks; ``tests/tools/test_memory_plan.py`` checks it
  against whole models). Under FSDP's bf16 mixed precision the residual stream is bf16 too, so
  this is an upper bound there.
- **training state**: float32 weights, gradients and AdamW's two moments, 16 bytes a parameter:
  whole on every GPU with DDP (plus the bf16 weight copies autocast keeps for backward), divided
  by the GPUs with FSDP's ``FULL_SHARD``, by the GPUs of one node with ``HYBRID_SHARD``
  (replicated across nodes); ``SHARD_GRAD_OP`` shards it too but keeps every bf16 weight
  gathered from forward to backward.
- **gathered units** (FSDP): the bf16 weights of the block computing and of the one prefetched,
  and the float32 gradient of one block before it is reduce-scattered.

A batch fits when the sum stays within ``budget x (1 - reserve)``; the reserve (default 10 %)
stands for the allocator's slack and a step's short-lived buffers, which a count cannot see.
"""
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence

import torch

from mmmae.models.layers import resolve_arch
from mmmae.registry import MODELS
from mmmae.utils import register_all_modules
from .measure import kept_bytes

STRATEGIES = ('ddp', 'full_shard', 'shard_grad_op', 'hybrid_shard')
STATE_BYTES = 16  # float32 weight, gradient, exp_avg, exp_avg_sq
BF16 = 2
GIB = 2 ** 30
DECODER = dict(decoder_embed_dim=512, decoder_depth=8, decoder_num_heads=16)  # the paper's


@dataclass(frozen=True)
class ArchMemory:
    """One arch's counts at one image size and memory option."""
    arch: str
    params: int  # encoder, decoder and head
    block_params: int  # the largest FSDP unit: one encoder block
    kept_per_image: float  # bytes of activations kept for backward, per image
    autocast_weights: float  # bytes of the bf16 weight copies autocast keeps (DDP)


def build_mae(arch: str, depth: int, img_size: int, selective_cp: bool = False,
              with_cp: bool = False, decoder: Optional[dict] = None) -> torch.nn.Module:
    """mmmae's MAE with ``arch``'s encoder cut (or not) to ``depth`` blocks and the ``decoder``
    (``MAEDecoder`` settings; default the paper's)."""
    blocks = dict(selective_cp=selective_cp, with_cp=with_cp)
    return MODELS.build(dict(
        type='MAE', backbone=dict(type='MAEViT', arch=dict(resolve_arch(arch), depth=depth),
                                  img_size=img_size, **blocks),
        neck=dict(type='MAEDecoder', **(decoder or DECODER), **blocks),
        head=dict(type='MAEPixelHead', norm_pix=True)))


def counted_kept(model: torch.nn.Module, batch: int, img_size: int) -> int:
    """Bytes ``model``'s bf16-autocast training forward keeps for ``batch`` images."""
    torch.manual_seed(0)
    images = torch.randn(batch, 3, img_size, img_size)
    return kept_bytes(model.train(), lambda m, x: m.loss(x)['loss'], images, torch.bfloat16)


def arch_memory(arch: str, img_size: int = 224, selective_cp: bool = False,
                with_cp: bool = False, decoder: Optional[dict] = None) -> ArchMemory:
    """Count ``arch`` (with ``decoder``, default the paper's): the kept bytes at depths 1 and 2
    and batches 1 and 2, extended to the arch's depth; parameters from a meta-device build of
    the whole model."""
    register_all_modules()
    depth = resolve_arch(arch)['depth']
    kept = {}
    for blocks in (1, 2):
        model = build_mae(arch, blocks, img_size, selective_cp, with_cp, decoder)
        kept[blocks] = [counted_kept(model, batch, img_size) for batch in (1, 2)]
    per_image = {blocks: two - one for blocks, (one, two) in kept.items()}
    constant = {blocks: one - per_image[blocks] for blocks, (one, _) in kept.items()}

    def at_depth(counts: Dict[int, float]) -> float:
        return counts[1] + (counts[2] - counts[1]) * (depth - 1)
    with torch.device('meta'):
        whole = build_mae(arch, depth, img_size, decoder=decoder)
    params = sum(p.numel() for p in whole.parameters())
    block = sum(p.numel() for p in whole.backbone.blocks[0].parameters())
    return ArchMemory(arch, params, block, at_depth(per_image), at_depth(constant))


def per_gpu_bytes(memory: ArchMemory, strategy: str, gpus: int, batch: int,
                  gpus_per_node: int = 8) -> Dict[str, float]:
    """Bytes on one GPU: ``state``, ``weights`` (autocast copies or gathered FSDP units),
    ``activations`` and ``total``, for ``batch`` images a GPU."""
    if strategy not in STRATEGIES:
        raise ValueError(f'strategy must be one of {STRATEGIES}, got {strategy!r}')
    if strategy == 'ddp':
        state, weights = STATE_BYTES * memory.params, memory.autocast_weights
    else:
        shards = min(gpus, gpus_per_node) if strategy == 'hybrid_shard' else gpus
        state = STATE_BYTES * memory.params / shards
        units = (2 * BF16 + 4) * memory.block_params  # computing + prefetched, one fp32 gradient
        weights = units + (BF16 * memory.params if strategy == 'shard_grad_op' else 0)
    activations = memory.kept_per_image * batch
    return dict(state=state, weights=weights, activations=activations,
                total=state + weights + activations)


def largest_batch(memory: ArchMemory, strategy: str, gpus: int, budget: float,
                  reserve: float = 0.1, gpus_per_node: int = 8) -> int:
    """The most images a GPU of ``budget`` bytes holds (0: not even the state fits)."""
    fixed = per_gpu_bytes(memory, strategy, gpus, 0, gpus_per_node)['total']
    room = budget * (1 - reserve) - fixed
    return max(int(room // memory.kept_per_image), 0)


def plan_table(memories: Sequence[ArchMemory], gpus: Sequence[int], budgets_gb: Sequence[float],
               batch: int = 256) -> List[str]:
    """Markdown rows: per arch, strategy and GPU count, GiB a GPU at ``batch`` images and the
    largest batch for each budget (GB as GPUs are sold: 80 GB = 80e9 bytes)."""
    head = (f'| arch | params (M) | strategy | GPUs | state GiB | weights GiB | GiB at {batch}/GPU | '
            + ' | '.join(f'max batch {gb:g} GB' for gb in budgets_gb) + ' |')
    rows = [head, '|' + '---|' * (7 + len(budgets_gb))]
    for memory in memories:
        for strategy in STRATEGIES:
            for count in gpus:
                parts = per_gpu_bytes(memory, strategy, count, batch)
                fits = [str(largest_batch(memory, strategy, count, gb * 1e9)) for gb in budgets_gb]
                rows.append(f'| {memory.arch} | {memory.params / 1e6:.0f} | {strategy} | {count} | '
                            f'{parts["state"] / GIB:.2f} | {parts["weights"] / GIB:.2f} | '
                            f'{parts["total"] / GIB:.1f} | ' + ' | '.join(fits) + ' |')
                if strategy == 'ddp':
                    break  # DDP does not depend on the GPU count
    return rows
