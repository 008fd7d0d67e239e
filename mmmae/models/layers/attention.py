"""Multi-head self-attention through PyTorch's fused SDPA kernels."""
from typing import Optional, Tuple

import torch
import torch.nn.functional as F
from torch import nn

from .relative_position import RelativePositionBias

# How a CPU attends bf16/fp16 inputs: 'fp32' (upcast, the default) or 'native' (their dtype).
CPU_HALF_ATTENTION_CHOICES = ('fp32', 'native')


def check_cpu_half_attention(choice: str) -> str:
    """``choice`` if it is one of ``CPU_HALF_ATTENTION_CHOICES``, else a ValueError naming them."""
    if choice not in CPU_HALF_ATTENTION_CHOICES:
        raise ValueError(f"cpu_half_attention='{choice}' is not one of "
                         f'{CPU_HALF_ATTENTION_CHOICES}; leave it out for the default (fp32)')
    return choice


class _CpuFp32FlashAttention(torch.autograd.Function):
    """PyTorch's CPU flash-attention kernel in fp32 on half-precision ``q, k, v``: the result is
    rounded back once. For backward it keeps what the half-precision kernel keeps (the inputs,
    the rounded output and the log-sum-exp) and upcasts them again there, so it costs no more
    memory than that kernel. Its gradients are still closer to exact than that kernel's
    (relative error 2.0-2.3e-3 against 2.7-3.5e-3 for the MAE shapes; 1.7e-3 with an fp32
    copy of the output kept, docs/benchmarks.md)."""

    @staticmethod
    def forward(ctx, q, k, v):
        out, logsumexp = torch.ops.aten._scaled_dot_product_flash_attention_for_cpu(
            q.float(), k.float(), v.float())
        out = out.to(q.dtype)
        ctx.save_for_backward(q, k, v, out, logsumexp)
        return out

    @staticmethod
    def backward(ctx, grad):
        q, k, v, out, logsumexp = ctx.saved_tensors
        grads = torch.ops.aten._scaled_dot_product_flash_attention_for_cpu_backward(
            grad.float(), q.float(), k.float(), v.float(), out.float(), logsumexp, 0.0, False)
        return tuple(g.to(q.dtype) for g in grads)


def fused_attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor,
                    bias: Optional[torch.Tensor] = None, dropout_p: float = 0.0,
                    cpu_half_attention: str = 'fp32') -> torch.Tensor:
    """``scaled_dot_product_attention`` on the fastest kernel for the inputs' device and dtype.

    On a CPU, bf16/fp16 inputs are attended in fp32 and the result cast back: PyTorch's CPU
    flash-attention kernel is slower in bf16 than in fp32 (torch 2.14, one core, forward +
    backward: 1.6x for the MAE decoder's 197 tokens x 32-dim heads, 3.1x for the encoder's
    50 x 64, on a Zen 4 core without AMX; docs/benchmarks.md), and fp32 loses nothing in
    precision. ``cpu_half_attention='native'`` keeps the half-precision kernel, for CPUs
    where it is the faster one (``benchmark_pretrain.py --cpu-half-attention`` tells).
    Elsewhere (GPUs) the inputs' dtype is kept, so the flash / memory-efficient kernels run
    in half precision.
    """
    upcast = q.device.type == 'cpu' and q.dtype in (torch.bfloat16, torch.float16) and \
        cpu_half_attention == 'fp32'
    if not upcast:
        return F.scaled_dot_product_attention(
            q, k, v, attn_mask=None if bias is None else bias.to(q.dtype), dropout_p=dropout_p)
    if bias is None and dropout_p == 0.0:
        return _CpuFp32FlashAttention.apply(q, k, v)
    with torch.autocast('cpu', enabled=False):  # a learnt bias or dropout: SDPA picks the kernel
        out = F.scaled_dot_product_attention(
            q.float(), k.float(), v.float(), dropout_p=dropout_p,
            attn_mask=None if bias is None else bias.float())
    return out.to(q.dtype)


class Attention(nn.Module):
    """Multi-head self-attention with a fused qkv projection.

    Parameter names follow the official MAE code and timm (``qkv``, ``proj``),
    so their checkpoints load by key. ``x: [N, L, D] -> [N, L, D]``. With
    ``rel_pos_grid=(h, w)`` a learnt relative position bias is added to the logits;
    the tokens must then be the ``h*w`` patches, or a cls token and the patches (its pairs get
    no bias, as at the table's zero start). ``cpu_half_attention``:
    how a CPU attends bf16/fp16 inputs (:func:`fused_attention`).
    """

    def __init__(self, dim: int, num_heads: int, qkv_bias: bool = True,
                 attn_drop: float = 0.0, proj_drop: float = 0.0,
                 rel_pos_grid: Optional[Tuple[int, int]] = None,
                 cpu_half_attention: str = 'fp32') -> None:
        super().__init__()
        self.cpu_half_attention = check_cpu_half_attention(cpu_half_attention)
        if dim % num_heads:
            raise ValueError(f'embedding dim {dim} is not divisible by num_heads {num_heads}; '
                             'choose num_heads that divides the dim')
        self.num_heads = num_heads
        self.qkv = nn.Linear(dim, dim * 3, bias=qkv_bias)
        self.attn_drop = attn_drop
        self.proj = nn.Linear(dim, dim)
        self.proj_drop = nn.Dropout(proj_drop)
        self.rel_pos = RelativePositionBias(rel_pos_grid, num_heads) if rel_pos_grid else None

    def forward(self, x: torch.Tensor, grid_hw: Optional[Tuple[int, int]] = None) -> torch.Tensor:
        """``grid_hw``: the tokens' patch grid when it differs from ``rel_pos_grid``."""
        return self.attend(self.qkv(x), grid_hw)

    def attend(self, qkv: torch.Tensor, grid_hw: Optional[Tuple[int, int]] = None) -> torch.Tensor:
        """Attention and output projection of the ``qkv`` projection's output ``[N, L, 3D]``."""
        n, length, dim = qkv.shape[0], qkv.shape[1], qkv.shape[2] // 3
        qkv = qkv.reshape(n, length, 3, self.num_heads, dim // self.num_heads)
        q, k, v = qkv.permute(2, 0, 3, 1, 4).unbind(0)  # each [N, heads, L, head_dim]
        bias = None
        if self.rel_pos is not None:
            grid = tuple(grid_hw) if grid_hw is not None else self.rel_pos.grid_hw
            prefix = length - grid[0] * grid[1]
            if prefix not in (0, 1):
                raise ValueError(f'relative position bias over a {grid} grid got {length} '
                                 'tokens; feed the patch tokens, with at most a cls token first')
            bias = F.pad(self.rel_pos(grid), (prefix, 0, prefix, 0)).unsqueeze(0)
        x = fused_attention(q, k, v, bias, self.attn_drop if self.training else 0.0,
                            self.cpu_half_attention)
        x = x.transpose(1, 2).reshape(n, length, dim)
        return self.proj_drop(self.proj(x))
