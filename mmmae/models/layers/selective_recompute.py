"""Linear layers that keep the input of their LayerNorm or GELU for backward, not its output.

A pre-norm ViT block stores, per token and channel, the LayerNorm outputs that ``qkv`` and
``fc1`` read and the GELU output that ``fc2`` reads: 12 of the 36 bytes a bf16 block keeps for
backward (docs/benchmarks.md). Their inputs are kept anyway (the residual stream for the
LayerNorms, ``fc1``'s output for GELU), so the outputs can be recomputed in backward from them
for the price of one elementwise pass, with no matmul repeated (unlike ``with_cp``).

Both functions compute what ``linear(layer_norm(x))`` and ``linear(gelu(h))`` compute under the
autocast state they are called in: the LayerNorm in float32 when autocast is on (as CUDA
autocast does; the residual stream is float32 there anyway), the matmuls in autocast's dtype.
"""
from typing import Optional, Tuple

import torch
import torch.nn.functional as F
from torch import nn


def _compute_dtype(x: torch.Tensor) -> torch.dtype:
    """The dtype autocast would run a matmul on ``x`` in (``x``'s own without autocast)."""
    device = x.device.type
    if torch.is_autocast_enabled(device):
        return torch.get_autocast_dtype(device)
    return x.dtype


def _linear_backward(grad: torch.Tensor, inputs: torch.Tensor, weight: torch.Tensor,
                     has_bias: bool) -> Tuple[torch.Tensor, torch.Tensor, Optional[torch.Tensor]]:
    """Gradients of ``inputs @ weight.T + bias`` w.r.t. inputs, weight and bias."""
    grad_2d = grad.reshape(-1, grad.shape[-1])
    grad_weight = grad_2d.t().mm(inputs.reshape(-1, inputs.shape[-1]))
    grad_bias = grad_2d.sum(0) if has_bias else None
    return grad.matmul(weight), grad_weight, grad_bias


class _LayerNormLinear(torch.autograd.Function):
    """``linear(layer_norm(x))`` saving ``x`` and the norm's statistics, not its output."""

    @staticmethod
    def forward(ctx, x, norm_weight, norm_bias, eps, weight, bias):
        dtype = _compute_dtype(x)
        norm_dtype = torch.float32 if torch.is_autocast_enabled(x.device.type) else x.dtype
        with torch.autocast(x.device.type, enabled=False):
            normed, mean, rstd = torch.native_layer_norm(
                x.to(norm_dtype), (x.shape[-1],), norm_weight.to(norm_dtype),
                norm_bias.to(norm_dtype), eps)
            weight = weight.to(dtype)
            out = F.linear(normed.to(dtype), weight, None if bias is None else bias.to(dtype))
        ctx.save_for_backward(x, mean, rstd, norm_weight, norm_bias, weight)
        ctx.norm_dtype, ctx.has_bias = norm_dtype, bias is not None
        return out

    @staticmethod
    def backward(ctx, grad):
        x, mean, rstd, norm_weight, norm_bias, weight = ctx.saved_tensors
        norm_dtype = ctx.norm_dtype
        with torch.autocast(x.device.type, enabled=False):
            x_norm = x.to(norm_dtype)
            normed = (x_norm - mean) * rstd * norm_weight.to(norm_dtype) + norm_bias.to(norm_dtype)
            grad_normed, grad_weight, grad_bias = _linear_backward(
                grad.to(weight.dtype), normed.to(weight.dtype), weight, ctx.has_bias)
            grad_x, grad_norm_weight, grad_norm_bias = torch.ops.aten.native_layer_norm_backward(
                grad_normed.to(norm_dtype), x_norm, (x.shape[-1],), mean, rstd,
                norm_weight.to(norm_dtype), norm_bias.to(norm_dtype), [True, True, True])
        return grad_x, grad_norm_weight, grad_norm_bias, None, grad_weight, grad_bias


class _GeluLinear(torch.autograd.Function):
    """``linear(gelu(h))`` saving ``h``, not ``gelu(h)``."""

    @staticmethod
    def forward(ctx, h, weight, bias):
        dtype = _compute_dtype(h)
        with torch.autocast(h.device.type, enabled=False):
            h = h.to(dtype)
            weight = weight.to(dtype)
            out = F.linear(F.gelu(h), weight, None if bias is None else bias.to(dtype))
        ctx.save_for_backward(h, weight)
        ctx.has_bias = bias is not None
        return out

    @staticmethod
    def backward(ctx, grad):
        h, weight = ctx.saved_tensors
        with torch.autocast(h.device.type, enabled=False):
            grad_act, grad_weight, grad_bias = _linear_backward(
                grad.to(h.dtype), F.gelu(h), weight, ctx.has_bias)
            grad_h = torch.ops.aten.gelu_backward(grad_act, h)
        return grad_h, grad_weight, grad_bias


def layer_norm_linear(x: torch.Tensor, norm: nn.LayerNorm, linear: nn.Linear) -> torch.Tensor:
    """``linear(norm(x))``, keeping only ``x`` (and two statistics per token) for backward."""
    return _LayerNormLinear.apply(x, norm.weight, norm.bias, norm.eps, linear.weight, linear.bias)


def gelu_linear(h: torch.Tensor, linear: nn.Linear) -> torch.Tensor:
    """``linear(gelu(h))``, keeping only ``h`` for backward."""
    return _GeluLinear.apply(h, linear.weight, linear.bias)
