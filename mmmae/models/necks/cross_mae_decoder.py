"""CrossMAE's decoder (Fu et al. 2024): masked-token queries cross-attend to the visible tokens;
in training only a kept fraction of the masked tokens is decoded and scored."""
from typing import Optional, Tuple, Union

import torch
from torch import nn

from mmmae.registry import MODELS
from ..layers import run_block
from ..layers.cross_attention import CrossAttentionBlock
from .decoder_stem import ImageDecoderStem


def gather_tokens(tokens: torch.Tensor, ids: torch.Tensor) -> torch.Tensor:
    """``tokens [N, L, D]`` at ``ids [N, K]`` -> ``[N, K, D]``."""
    return torch.gather(tokens, 1, ids.unsqueeze(-1).expand(-1, -1, tokens.shape[-1]))


@MODELS.register_module()
class CrossMAEDecoder(ImageDecoderStem):
    """A decoder of cross-attention blocks: each query (a mask token plus its position) attends
    to the visible tokens (the encoder's output, embedded, plus their positions), never to the
    other queries, so any subset of patches can be decoded on its own.

    ``forward(latent [N, 1 + len_keep, D_enc], ids_restore [N, L], grid=None) -> pred [N, L, p*p*C]``
    (``grid`` as in :class:`MAEDecoder`). In
    training only ``kept_mask_ratio * L`` masked patches are decoded: the first masked ones in
    the masking's random order, so a uniform draw fixed by the mask's noise; the other rows of
    ``pred`` are zero, and ``MAE`` scores only the decoded ones (:meth:`loss_mask`). In eval
    mode every patch is decoded (reconstruction pictures, the held-out loss). CrossMAE's
    feature fusion of several encoder blocks is not built; the context is the last block's
    output.

    Args:
        img_size: input size (int or ``(H, W)``); must match the encoder.
        patch_size: must match the encoder.
        in_channels: must match the encoder.
        embed_dim: encoder width.
        decoder_embed_dim: decoder width.
        decoder_depth: decoder blocks.
        decoder_num_heads: decoder attention heads.
        mlp_ratio: MLP hidden width over decoder width.
        kept_mask_ratio: fraction of all patches decoded in training (CrossMAE: 0.25 of 0.75
            masked); at most the encoder's ``mask_ratio``; equal to it decodes every masked patch.
        with_cp: activation checkpointing of the decoder blocks.
        cpu_half_attention: how a CPU attends bf16/fp16 (see ``MAEViT``).
    """

    def __init__(self, img_size: Union[int, Tuple[int, int]] = 224, patch_size: int = 16,
                 in_channels: int = 3, embed_dim: int = 768, decoder_embed_dim: int = 512,
                 decoder_depth: int = 8, decoder_num_heads: int = 16, mlp_ratio: float = 4.0,
                 kept_mask_ratio: float = 0.25, norm_eps: float = 1e-6, with_cp: bool = False,
                 cpu_half_attention: str = 'fp32', init_cfg: Optional[dict] = None) -> None:
        super().__init__(img_size, patch_size, embed_dim, decoder_embed_dim, init_cfg=init_cfg)
        if not 0 < kept_mask_ratio <= 1:
            raise ValueError(f'kept_mask_ratio {kept_mask_ratio} is not a fraction of the patches; '
                             "give one in (0, mask_ratio]")
        self.kept_mask_ratio = kept_mask_ratio
        self.with_cp = with_cp
        self.decoder_blocks = nn.ModuleList([
            CrossAttentionBlock(decoder_embed_dim, decoder_num_heads, mlp_ratio, norm_eps=norm_eps,
                                cpu_half_attention=cpu_half_attention)
            for _ in range(decoder_depth)])
        self.add_prediction(patch_size**2 * in_channels, norm_eps)

    def num_kept(self, num_patches: int) -> int:
        """Patches decoded in training out of ``num_patches`` (at least one)."""
        return max(1, round(self.kept_mask_ratio * num_patches))

    def decoded_ids(self, ids_restore: torch.Tensor, len_keep: int) -> torch.Tensor:
        """``[N, Q]`` patch indices decoded: the kept masked ones in training, all in eval."""
        num_patches = ids_restore.shape[1]
        if not self.training:
            return torch.arange(num_patches, device=ids_restore.device).expand(ids_restore.shape[0], -1)
        kept = self.num_kept(num_patches)
        if kept > num_patches - len_keep:
            raise ValueError(f'kept_mask_ratio decodes {kept} patches but only '
                             f'{num_patches - len_keep} are masked; lower kept_mask_ratio '
                             "to at most the encoder's mask_ratio")
        ids_shuffle = torch.argsort(ids_restore, dim=1)  # the masking's order: visible first
        return ids_shuffle[:, len_keep:len_keep + kept]

    def loss_mask(self, mask: torch.Tensor, ids_restore: torch.Tensor, latent: torch.Tensor) -> torch.Tensor:
        """``[N, L]``: 1 where a patch is masked and decoded (what the loss scores); ``latent``
        is the encoder's output the decoder was given."""
        if not self.training:
            return mask
        len_keep = latent.shape[1] - 1
        return torch.zeros_like(mask).scatter_(1, self.decoded_ids(ids_restore, len_keep), 1.0)

    def forward(self, latent: torch.Tensor, ids_restore: torch.Tensor,
                grid: Optional[Tuple[int, int]] = None) -> torch.Tensor:
        positions = self.positions(ids_restore, grid).expand(latent.shape[0], -1, -1)
        len_keep = latent.shape[1] - 1
        ids_shuffle = torch.argsort(ids_restore, dim=1)
        visible_positions = gather_tokens(positions[:, 1:], ids_shuffle[:, :len_keep])
        context = self.decoder_embed(latent) + torch.cat([positions[:, :1], visible_positions], 1)
        ids = self.decoded_ids(ids_restore, len_keep)
        x = self.mask_token + gather_tokens(positions[:, 1:], ids)
        for block in self.decoder_blocks:
            x = run_block(block, x, context, with_cp=self.with_cp)
        pred = self.decoder_pred(self.decoder_norm(x))
        full = pred.new_zeros(pred.shape[0], ids_restore.shape[1], pred.shape[-1])
        return full.scatter(1, ids.unsqueeze(-1).expand_as(pred), pred)
