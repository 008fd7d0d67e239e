"""Cross-attention from query tokens to context tokens, and its pre-norm block (CrossMAE)."""
import torch
from torch import nn

from .attention import check_cpu_half_attention, fused_attention
from .transformer_block import Mlp


class CrossAttention(nn.Module):
    """Multi-head attention of ``queries [N, Q, D]`` over ``context [N, K, D]``: ``q`` projects
    the queries, ``kv`` the context; ``-> [N, Q, D]``. A query's output depends on the context
    only, never on the other queries."""

    def __init__(self, dim: int, num_heads: int, qkv_bias: bool = True,
                 cpu_half_attention: str = 'fp32') -> None:
        super().__init__()
        if dim % num_heads:
            raise ValueError(f'embedding dim {dim} is not divisible by num_heads {num_heads}; '
                             'choose num_heads that divides the dim')
        self.num_heads, self.cpu_half_attention = num_heads, check_cpu_half_attention(cpu_half_attention)
        self.q = nn.Linear(dim, dim, bias=qkv_bias)
        self.kv = nn.Linear(dim, dim * 2, bias=qkv_bias)
        self.proj = nn.Linear(dim, dim)

    def forward(self, queries: torch.Tensor, context: torch.Tensor) -> torch.Tensor:
        n, length, dim = queries.shape
        head_dim = dim // self.num_heads
        q = self.q(queries).reshape(n, length, self.num_heads, head_dim).transpose(1, 2)
        k, v = self.kv(context).reshape(n, context.shape[1], 2, self.num_heads, head_dim) \
            .permute(2, 0, 3, 1, 4).unbind(0)
        x = fused_attention(q, k, v, cpu_half_attention=self.cpu_half_attention)
        return self.proj(x.transpose(1, 2).reshape(n, length, dim))


class CrossAttentionBlock(nn.Module):
    """``x + cross_attn(norm1(x), norm_context(context))`` then ``x + mlp(norm2(x))``: a decoder
    block whose queries read the context but not each other."""

    def __init__(self, dim: int, num_heads: int, mlp_ratio: float = 4.0, norm_eps: float = 1e-6,
                 cpu_half_attention: str = 'fp32') -> None:
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=norm_eps)
        self.norm_context = nn.LayerNorm(dim, eps=norm_eps)
        self.attn = CrossAttention(dim, num_heads, cpu_half_attention=cpu_half_attention)
        self.norm2 = nn.LayerNorm(dim, eps=norm_eps)
        self.mlp = Mlp(dim, int(dim * mlp_ratio))

    def forward(self, x: torch.Tensor, context: torch.Tensor) -> torch.Tensor:
        x = x + self.attn(self.norm1(x), self.norm_context(context))
        return x + self.mlp(self.norm2(x))
