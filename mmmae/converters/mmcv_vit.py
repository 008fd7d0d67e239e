"""MMCV's names for a ViT, as MMPretrain's ``MAEViT`` and MMSeg's ``MAE`` backbone use them.

mmmae names parameters as the official MAE code and timm do; OpenMMLab's ViTs name a block's
norms ``ln1``/``ln2`` and its MLP ``ffn.layers``, the blocks ``layers.N`` and the patch
projection ``patch_embed.projection``.
"""
from .rename import RenameTable

# inside one transformer block
MMCV_BLOCK = RenameTable([
    ('norm1.', 'ln1.'),
    ('norm2.', 'ln2.'),
    ('attn.qkv.', 'attn.qkv.'),
    ('attn.proj.', 'attn.proj.'),
    ('mlp.fc1.', 'ffn.layers.0.0.'),
    ('mlp.fc2.', 'ffn.layers.1.'),
])
# an encoder without its final norm (MMSeg's MAE has none, MMPretrain calls it ln1)
MMCV_VIT = RenameTable([
    ('cls_token', 'cls_token'),
    ('pos_embed', 'pos_embed'),
    ('patch_embed.proj.', 'patch_embed.projection.'),
]) + MMCV_BLOCK.under('blocks.{i}.', 'layers.{i}.')
