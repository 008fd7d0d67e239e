"""The implementations a benchmark compares: mmmae, MMPretrain 1.2's MAE and an official-style
MAE, each as ``(model, loss_fn(model, images))`` with its project's optimizer and precision."""
from pathlib import Path
from typing import Callable, Dict, Tuple

import torch
from mmengine.config import Config
from timm.layers import PatchEmbed
from timm.models.vision_transformer import Block
from torch import nn

from mmmae.converters.builders import build_mmmae_mae, build_mmpretrain_mae
from mmmae.models.layers import resolve_arch

ROOT = Path(__file__).resolve().parents[2]
MMMAE_SCHEDULE = ROOT / 'configs' / '_base_' / 'schedules' / 'adamw_coslr-300e_mae.py'
DECODER = dict(decoder_embed_dim=512, decoder_depth=8, decoder_num_heads=16)
# mmmae with its memory options: the same model, so the ratio shows what the option costs
PEERS = ['mmmae', 'mmmae-selective-cp', 'mmpretrain', 'official-style']
Peer = Tuple[nn.Module, Callable[[nn.Module, torch.Tensor], torch.Tensor]]


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


def model_shape(arch: str, img_size: int) -> dict:
    """The MAE shape every peer is built at: mmmae's ``arch`` encoder, the paper's decoder."""
    spec = resolve_arch(arch)
    return dict(img_size=img_size, patch_size=spec['patch_size'], embed_dim=spec['embed_dim'],
                depth=spec['depth'], num_heads=spec['num_heads'], **DECODER)


def mmmae_loss(model: nn.Module, images: torch.Tensor) -> torch.Tensor:
    return model.loss(images)['loss']


def peers(arch: str, img_size: int, with_cp: bool = False, selective_cp: bool = False,
          cpu_half_attention: str = 'fp32') -> Dict[str, Callable[[], Peer]]:
    """Builders of the peers, each returning ``(model, loss_fn(model, images))``. ``with_cp`` /
    ``selective_cp``: activation checkpointing of mmmae's encoder and decoder blocks, whole or
    of their LayerNorm and GELU outputs only (``mmmae-selective-cp`` always has the latter);
    ``cpu_half_attention``: mmmae's attention kernel for bf16/fp16 on a CPU."""
    shape = dict(model_shape(arch, img_size), with_cp=with_cp,
                 cpu_half_attention=cpu_half_attention)
    return {
        'mmmae': lambda: (build_mmmae_mae(**shape, selective_cp=selective_cp), mmmae_loss),
        'mmmae-selective-cp': lambda: (build_mmmae_mae(**shape, selective_cp=True), mmmae_loss),
        'mmpretrain': lambda: (build_mmpretrain_mae(**model_shape(arch, img_size)),
                               lambda m, x: m.loss(x, [])['loss']),
        'official-style': lambda: (OfficialStyleMAE(**model_shape(arch, img_size)), lambda m, x: m(x)),
    }


def is_mmmae(peer: str) -> bool:
    return peer.startswith('mmmae')


def optimizer_options(peer: str, same: bool) -> dict:
    """AdamW options beyond lr / betas / weight decay as the peer's project configures them:
    mmmae's pretraining schedule (``fused``/``foreach``), torch's defaults for the others."""
    if not is_mmmae(peer) or same:
        return {}
    optimizer = Config.fromfile(str(MMMAE_SCHEDULE)).optim_wrapper.optimizer
    return {key: optimizer[key] for key in ('fused', 'foreach') if key in optimizer}


def configured_amp(peer: str, device: torch.device) -> str:
    """The precision the peer's pretraining config trains in on ``device``: mmmae's configs bf16
    (on a CPU only with native bf16, as tools/train.py does); MMPretrain's MAE config fp16 with
    loss scaling (``AmpOptimWrapper``, which mmengine refuses without a GPU: fp32 there); the
    official code fp16 autocast with a loss scaler on a GPU, fp32 on a CPU."""
    from mmmae.engine import cpu_has_native_bf16
    if is_mmmae(peer):
        return 'bf16' if device.type == 'cuda' or cpu_has_native_bf16() else 'off'
    return 'fp16' if device.type == 'cuda' else 'off'
