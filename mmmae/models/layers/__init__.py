"""Small building blocks shared by every mmmae backbone, neck and head."""
from .attention import Attention
from .masking import num_visible, random_masking
from .patch_embed import PatchEmbed
from .pos_embed import resample_pos_embed, sincos_2d_position_embedding
from .relative_position import RelativePositionBias, resample_relative_table
from .transformer_block import Mlp, TransformerBlock, run_block

__all__ = ['Attention', 'Mlp', 'PatchEmbed', 'RelativePositionBias', 'TransformerBlock', 'num_visible',
           'random_masking', 'resample_pos_embed', 'resample_relative_table', 'run_block',
           'sincos_2d_position_embedding']
