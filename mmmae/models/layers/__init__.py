"""Small building blocks shared by every mmmae backbone, neck and head, and the ViT trunk."""
from .attention import Attention
from .masking import MASKING_STRATEGIES, num_visible, random_masking, structured_masking
from .patch_embed import PatchEmbed, patch_grid
from .pos_embed import (pos_embed_at, resample_pos_embed, sincos_2d_position_embedding, sinusoid_table,
                        tubelet_position_embedding)
from .relative_position import RelativePositionBias, resample_relative_table
from .transformer_block import Mlp, TransformerBlock, run_block
from .tubelet_embed import TubeletEmbed, tubelet_grid
from .tubelet_vit import TubeletViT
from .vit import ARCHS, ViT, init_mae_weights, known_num_heads, resolve_arch

__all__ = ['ARCHS', 'Attention', 'MASKING_STRATEGIES', 'Mlp', 'PatchEmbed', 'RelativePositionBias',
           'TransformerBlock', 'TubeletEmbed', 'TubeletViT', 'ViT', 'init_mae_weights', 'known_num_heads',
           'num_visible', 'patch_grid', 'pos_embed_at', 'random_masking', 'resample_pos_embed',
           'resample_relative_table', 'resolve_arch', 'run_block', 'sincos_2d_position_embedding',
           'sinusoid_table', 'structured_masking', 'tubelet_grid', 'tubelet_position_embedding']
