"""The MAE Vision Transformer encoder."""
from typing import Dict, Optional, Sequence, Tuple, Union

import torch
from mmengine.model import BaseModule
from torch import nn

from mmmae.registry import MODELS
from mmmae.utils.misc import closest_name, to_2tuple
from ..layers import (PatchEmbed, TransformerBlock, num_visible, random_masking,
                      resample_pos_embed, run_block, sincos_2d_position_embedding)

ARCHS: Dict[str, dict] = {
    # name: embed_dim, depth, num_heads, patch_size (mlp ratio 4 everywhere)
    'demo': dict(embed_dim=128, depth=4, num_heads=4, patch_size=4),
    'tiny': dict(embed_dim=192, depth=12, num_heads=3, patch_size=16),
    'small': dict(embed_dim=384, depth=12, num_heads=6, patch_size=16),
    'b': dict(embed_dim=768, depth=12, num_heads=12, patch_size=16),
    'l': dict(embed_dim=1024, depth=24, num_heads=16, patch_size=16),
    'h': dict(embed_dim=1280, depth=32, num_heads=16, patch_size=14),
}
ARCH_ALIASES = {'base': 'b', 'large': 'l', 'huge': 'h', 's': 'small', 't': 'tiny'}


def resolve_arch(arch: Union[str, dict]) -> dict:
    """Arch name (``'b'``, ``'large'``, ...) or dict to ``embed_dim/depth/num_heads/patch_size``."""
    if isinstance(arch, dict):
        missing = {'embed_dim', 'depth', 'num_heads'} - set(arch)
        if missing:
            raise ValueError(f'custom arch dict lacks {sorted(missing)}; '
                             'give embed_dim, depth and num_heads (patch_size optional)')
        return dict(patch_size=16, **arch)
    name = ARCH_ALIASES.get(arch, arch)
    if name not in ARCHS:
        names = sorted([*ARCHS, *ARCH_ALIASES])
        raise ValueError(f"unknown MAE ViT arch '{arch}'{closest_name(arch, names)} "
                         f'valid archs: {names}, or a dict with embed_dim/depth/num_heads')
    return dict(ARCHS[name])


def known_num_heads(embed_dim: int, depth: int) -> Optional[int]:
    """Attention heads of the named arch with this width and depth (None for custom shapes).

    Heads cannot be read off weight shapes; converters use this for mmmae's archs.
    """
    return next((a['num_heads'] for a in ARCHS.values()
                 if (a['embed_dim'], a['depth']) == (embed_dim, depth)), None)


def init_mae_weights(module: nn.Module) -> None:
    """Weight init of the MAE paper's code: xavier-uniform linears, unit LayerNorms."""
    for m in module.modules():
        if isinstance(m, nn.Linear):
            nn.init.xavier_uniform_(m.weight)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.LayerNorm):
            nn.init.ones_(m.weight)
            nn.init.zeros_(m.bias)


@MODELS.register_module()
class MAEViT(BaseModule):
    """ViT encoder of MAE: patch embed, fixed sin-cos positions, cls token, blocks, norm.

    In pretraining mode (``mask=True``) only the visible patches are encoded:
    ``forward(images) -> (latent [N, 1 + len_keep, D], mask [N, L], ids_restore [N, L])``.
    With ``mask=False`` every patch is encoded and ``(tokens [N, 1 + L, D],)``
    is returned, for feature extraction and the downstream benchmarks.

    Args:
        arch: ``'demo' | 'tiny' | 'small' | 'b' | 'l' | 'h'`` (or aliases) or a dict.
        img_size: pretraining input size (int or ``(H, W)``); fixes the position grid.
        patch_size: overrides the arch's patch size.
        in_channels: image channels.
        mask_ratio: fraction of patches removed in pretraining mode.
        drop_path_rate: stochastic depth, increasing linearly over the blocks.
        rel_pos_bias: a learnt relative position bias in every block (zero at init), for
            subclasses whose blocks see only the patch tokens (``MAEViTSeg``).
        block_options: per-block keyword arguments of ``TransformerBlock`` for subclasses
            (ViTDet's windows), overriding the above.
        with_cp: activation checkpointing: in training each block's activations are
            recomputed in backward instead of stored (less memory, about one more forward).
        selective_cp: recompute only the LayerNorm and GELU outputs in backward (a third
            less activation memory, no matmul repeated; ``TransformerBlock``).
    """

    def __init__(self, arch: Union[str, dict] = 'b', img_size: Union[int, Tuple[int, int]] = 224,
                 patch_size: Optional[int] = None, in_channels: int = 3,
                 mask_ratio: float = 0.75, drop_path_rate: float = 0.0,
                 norm_eps: float = 1e-6, rel_pos_bias: bool = False,
                 block_options: Optional[Sequence[dict]] = None, with_cp: bool = False,
                 selective_cp: bool = False, init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        settings = resolve_arch(arch)
        self.with_cp = with_cp
        self.embed_dim = settings['embed_dim']
        self.patch_size = patch_size or settings['patch_size']
        self.mask_ratio = mask_ratio
        self.in_channels = in_channels
        self.patch_embed = PatchEmbed(self.patch_size, in_channels, self.embed_dim)
        self.grid_size = self.patch_embed.grid_size(to_2tuple(img_size))
        self.num_patches = self.grid_size[0] * self.grid_size[1]
        num_visible(self.num_patches, mask_ratio)  # validate the ratio now, not mid-training
        self.cls_token = nn.Parameter(torch.zeros(1, 1, self.embed_dim))
        self.pos_embed = nn.Parameter(
            sincos_2d_position_embedding(self.grid_size, self.embed_dim), requires_grad=False)
        depth = settings['depth']
        rates = [drop_path_rate * i / max(depth - 1, 1) for i in range(depth)]
        self.blocks = nn.ModuleList([
            TransformerBlock(self.embed_dim, settings['num_heads'], drop_path=rate,
                             norm_eps=norm_eps, selective_cp=selective_cp,
                             **{'rel_pos_grid': self.grid_size if rel_pos_bias else None,
                                **(block_options[index] if block_options else {})})
            for index, rate in enumerate(rates)])
        self.norm = nn.LayerNorm(self.embed_dim, eps=norm_eps)
        self._init_mae_weights()

    def _init_mae_weights(self) -> None:
        init_mae_weights(self)
        weight = self.patch_embed.proj.weight.data
        nn.init.xavier_uniform_(weight.view(weight.shape[0], -1))  # like a linear layer
        nn.init.zeros_(self.patch_embed.proj.bias)
        nn.init.normal_(self.cls_token, std=0.02)

    def init_weights(self) -> None:
        """MAE init at construction; ``init_cfg`` (e.g. ``Pretrained``) is applied on top."""
        if self.init_cfg is not None:
            super().init_weights()

    def patch_tokens(self, images: torch.Tensor) -> torch.Tensor:
        """Embedded patches plus their positions: ``[N, L, D]``."""
        tokens = self.patch_embed(images)
        grid = self.patch_embed.grid_size(images.shape[-2:])
        pos = resample_pos_embed(self.pos_embed, self.grid_size, grid)
        return tokens + pos[:, 1:]

    def run_blocks(self, tokens: torch.Tensor) -> torch.Tensor:
        """Prepend the cls token and run the blocks: ``[N, 1 + L, D]``, before the final norm."""
        cls = (self.cls_token + self.pos_embed[:, :1]).expand(tokens.shape[0], -1, -1)
        x = torch.cat([cls, tokens], dim=1)
        for block in self.blocks:
            x = run_block(block, x, with_cp=self.with_cp)
        return x

    def encode(self, tokens: torch.Tensor) -> torch.Tensor:
        """Blocks then the final norm."""
        return self.norm(self.run_blocks(tokens))

    def _load_from_state_dict(self, state_dict: dict, prefix: str, *args, **kwargs) -> None:
        """Resample a checkpoint's position embedding when its patch grid differs from ours."""
        key = prefix + 'pos_embed'
        if key in state_dict and state_dict[key].shape != self.pos_embed.shape:
            theirs = state_dict[key]
            side = int(round((theirs.shape[1] - 1) ** 0.5))
            if side * side != theirs.shape[1] - 1 or theirs.shape[-1] != self.embed_dim:
                raise ValueError(
                    f'checkpoint {key} has shape {tuple(theirs.shape)}, which is not a square '
                    f'grid of width {self.embed_dim} plus a cls slot; model expects '
                    f'{tuple(self.pos_embed.shape)}: check that the arch matches the checkpoint')
            state_dict[key] = resample_pos_embed(theirs, (side, side), self.grid_size)
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)

    def forward(self, images: torch.Tensor, noise: Optional[torch.Tensor] = None,
                mask: bool = True):
        """See the class docstring; ``noise [N, L]`` reproduces a mask exactly."""
        if not mask:
            return (self.encode(self.patch_tokens(images)),)
        grid = self.patch_embed.grid_size(images.shape[-2:])
        if grid != self.grid_size:
            raise ValueError(
                f'pretraining input {tuple(images.shape[-2:])} gives a {grid} patch grid but the '
                f'model was built for {self.grid_size}; set img_size in the backbone and the '
                'decoder to the crop size of the pipeline')
        visible, mask_map, ids_restore = random_masking(
            self.patch_tokens(images), self.mask_ratio, noise)
        return self.encode(visible), mask_map, ids_restore
