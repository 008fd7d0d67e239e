"""The ViT trunk every mmmae backbone is built on, and the arch table."""
from typing import Callable, Dict, List, Optional, Sequence, Tuple, Union

import torch
from mmengine.model import BaseModule
from torch import nn

from mmmae.utils.misc import closest_name
from .patch_embed import PatchEmbed, patch_grid
from .pos_embed import pos_embed_at, resample_pos_embed, sincos_2d_position_embedding
from .transformer_block import TransformerBlock, run_block

ARCHS: Dict[str, dict] = {
    # name: embed_dim, depth, num_heads, patch_size, mlp_ratio where it is not 4
    'demo': dict(embed_dim=128, depth=4, num_heads=4, patch_size=4),
    'tiny': dict(embed_dim=192, depth=12, num_heads=3, patch_size=16),
    'small': dict(embed_dim=384, depth=12, num_heads=6, patch_size=16),
    'b': dict(embed_dim=768, depth=12, num_heads=12, patch_size=16),
    'l': dict(embed_dim=1024, depth=24, num_heads=16, patch_size=16),
    'h': dict(embed_dim=1280, depth=32, num_heads=16, patch_size=14),
    # ViT-g/14 as EVA trains it (Fang et al. 2023, about 1.0B parameters): MLP width 6144
    'g': dict(embed_dim=1408, depth=40, num_heads=16, patch_size=14, mlp_ratio=48 / 11),
    # ViT-2B/14 of MAWS (Singh et al. 2023): width 2560, depth 24, 32 heads, MLP 10240
    '2b': dict(embed_dim=2560, depth=24, num_heads=32, patch_size=14),
}
ARCH_ALIASES = {'base': 'b', 'large': 'l', 'huge': 'h', 'giant': 'g', 's': 'small', 't': 'tiny'}
# block index, depth, patch grid -> keyword arguments of that TransformerBlock
BlockOptions = Callable[[int, int, Tuple[int, int]], dict]


def resolve_arch(arch: Union[str, dict]) -> dict:
    """Arch name (``'b'``, ``'large'``, ...) or dict to ``embed_dim/depth/num_heads/patch_size``
    and ``mlp_ratio`` (4 unless the arch or dict says otherwise)."""
    if isinstance(arch, dict):
        missing = {'embed_dim', 'depth', 'num_heads'} - set(arch)
        if missing:
            raise ValueError(f'custom arch dict lacks {sorted(missing)}; '
                             'give embed_dim, depth and num_heads (patch_size optional)')
        return dict(dict(patch_size=16, mlp_ratio=4.0), **arch)
    name = ARCH_ALIASES.get(arch, arch)
    if name not in ARCHS:
        names = sorted([*ARCHS, *ARCH_ALIASES])
        raise ValueError(f"unknown MAE ViT arch '{arch}'{closest_name(arch, names)} "
                         f'valid archs: {names}, or a dict with embed_dim/depth/num_heads')
    return dict(dict(mlp_ratio=4.0), **ARCHS[name])


def known_num_heads(embed_dim: int, depth: int) -> Optional[int]:
    """Attention heads of the named arch with this width and depth (None for custom shapes).

    Heads cannot be read off weight shapes; converters use this for mmmae's archs.
    """
    return next((a['num_heads'] for a in ARCHS.values()
                 if (a['embed_dim'], a['depth']) == (embed_dim, depth)), None)


def transformer_blocks(settings: dict, drop_path_rate: float = 0.0,
                       options: Optional[Callable[[int, int], dict]] = None, **common) -> nn.ModuleList:
    """The ``depth`` blocks of a resolved arch, stochastic depth rising linearly to
    ``drop_path_rate``; ``options(index, depth)`` adds per-block arguments, ``common`` shared ones
    (``norm_eps``, ``selective_cp``, ...)."""
    depth = settings['depth']
    rates = [drop_path_rate * i / max(depth - 1, 1) for i in range(depth)]
    return nn.ModuleList([
        TransformerBlock(settings['embed_dim'], settings['num_heads'], settings['mlp_ratio'],
                         drop_path=rate, **common, **(options(index, depth) if options else {}))
        for index, rate in enumerate(rates)])


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


class ViT(BaseModule):
    """ViT trunk: patch embedding, 2-D sin-cos positions, an optional cls token, transformer
    blocks and an optional final norm, initialised as the MAE paper's code does.

    Parameter names are the official MAE code's and timm's (``patch_embed.proj``, ``cls_token``,
    ``pos_embed``, ``blocks.N``, ``norm``). ``pos_embed`` always has a cls slot first, so that
    every backbone loads every pretraining checkpoint; a checkpoint's embedding is resampled when
    its patch grid differs from ``grid``.

    Args:
        arch: ``'demo' | 'tiny' | 'small' | 'b' | 'l' | 'h'`` (or aliases) or a dict.
        img_size: input size (int or ``(H, W)``); fixes ``grid``, the patch grid.
        patch_size: overrides the arch's patch size.
        in_channels: image channels.
        drop_path_rate: stochastic depth, increasing linearly over the blocks.
        cls_token: prepend a learnt cls token to the patch tokens.
        final_norm: a LayerNorm after the blocks (``encode``); without it ``norm`` is identity.
        learnt_pos_embed: train the position embedding (fine-tuning) instead of keeping it fixed.
        block_options: extra ``TransformerBlock`` arguments as a function of (block index,
            depth, grid): windows and relative position bias.
        with_cp: activation checkpointing: in training each block's activations are
            recomputed in backward instead of stored (less memory, about one more forward).
        selective_cp: recompute only the LayerNorm and GELU outputs in backward (a third
            less activation memory, no matmul repeated; ``TransformerBlock``).
        cpu_half_attention: how a CPU attends bf16/fp16: ``'fp32'`` (upcast, faster on CPUs
            without AMX) or ``'native'`` (``Attention``); GPUs are not affected.
    """

    def __init__(self, arch: Union[str, dict] = 'b', img_size: Union[int, Tuple[int, int]] = 224,
                 patch_size: Optional[int] = None, in_channels: int = 3,
                 drop_path_rate: float = 0.0, norm_eps: float = 1e-6, cls_token: bool = True,
                 final_norm: bool = True, learnt_pos_embed: bool = False,
                 block_options: Optional[BlockOptions] = None, with_cp: bool = False,
                 selective_cp: bool = False, cpu_half_attention: str = 'fp32',
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        settings = resolve_arch(arch)
        self.with_cp = with_cp
        self.embed_dim = settings['embed_dim']
        self.patch_size = patch_size or settings['patch_size']
        self.in_channels = in_channels
        self.learnt_pos_embed = learnt_pos_embed
        self.patch_embed = PatchEmbed(self.patch_size, in_channels, self.embed_dim)
        self.grid = patch_grid(img_size, self.patch_size)
        self.num_patches = self.grid[0] * self.grid[1]
        if cls_token:
            self.cls_token = nn.Parameter(torch.zeros(1, 1, self.embed_dim))
        else:
            self.register_parameter('cls_token', None)
        self.pos_embed = nn.Parameter(sincos_2d_position_embedding(self.grid, self.embed_dim),
                                      requires_grad=learnt_pos_embed)
        self.blocks = transformer_blocks(
            settings, drop_path_rate, norm_eps=norm_eps, selective_cp=selective_cp,
            cpu_half_attention=cpu_half_attention,
            options=(lambda index, depth: block_options(index, depth, self.grid)) if block_options else None)
        self.norm = nn.LayerNorm(self.embed_dim, eps=norm_eps) if final_norm else nn.Identity()
        self._init_mae_weights()

    def _init_mae_weights(self) -> None:
        init_mae_weights(self)
        weight = self.patch_embed.proj.weight.data
        nn.init.xavier_uniform_(weight.view(weight.shape[0], -1))  # like a linear layer
        nn.init.zeros_(self.patch_embed.proj.bias)
        if self.cls_token is not None:
            nn.init.normal_(self.cls_token, std=0.02)

    def init_weights(self) -> None:
        """MAE init at construction; ``init_cfg`` (e.g. ``Pretrained``) is applied on top."""
        if self.init_cfg is not None:
            super().init_weights()

    def patch_tokens(self, images: torch.Tensor) -> torch.Tensor:
        """Embedded patches plus their positions: ``[N, L, D]``; at another input size than
        ``img_size`` the positions are resampled (:func:`~mmmae.models.layers.pos_embed_at`)."""
        tokens = self.patch_embed(images)
        grid = patch_grid(images.shape[-2:], self.patch_size)
        return tokens + pos_embed_at(self.pos_embed, self.grid, grid, self.learnt_pos_embed)[:, 1:]

    def block_outputs(self, tokens: torch.Tensor, indices: Sequence[int],
                      grid: Optional[Tuple[int, int]] = None) -> List[torch.Tensor]:
        """Run the blocks up to the last of ``indices`` on ``tokens [N, L, D]`` (the cls token
        prepended when the trunk has one); the outputs of the blocks in ``indices``. ``grid``:
        the tokens' patch grid, for windows and relative positions at another input size."""
        if self.cls_token is not None:
            cls = (self.cls_token + self.pos_embed[:, :1]).expand(tokens.shape[0], -1, -1)
            tokens = torch.cat([cls, tokens], dim=1)
        wanted, outputs, x = set(indices), [], tokens
        for index, block in enumerate(self.blocks[:max(indices) + 1]):
            x = run_block(block, x, grid, with_cp=self.with_cp)
            if index in wanted:
                outputs.append(x)
        return outputs

    def run_blocks(self, tokens: torch.Tensor,
                   grid: Optional[Tuple[int, int]] = None) -> torch.Tensor:
        """Every block on ``tokens`` (see :meth:`block_outputs`), before the final norm."""
        return self.block_outputs(tokens, [len(self.blocks) - 1], grid)[0]

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
            state_dict[key] = resample_pos_embed(theirs, (side, side), self.grid)
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)
