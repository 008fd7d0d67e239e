"""Key-layout converters between other MAE / ViT implementations and mmmae.

Each layout is a :class:`~mmmae.converters.rename.RenameTable` of (mmmae name, other name)
pairs; :func:`convert_checkpoint` converts a file in one of the seven directions that the
tools in ``tools/model_converters/`` name, and can verify the result numerically.
"""
from .convert import convert_checkpoint
from .directions import DIRECTIONS, Conversion
from .hf_vitmae import convert_hf_vitmae, convert_to_hf_vitmae
from .mmpretrain_mae import convert_mmpretrain_mae
from .mmseg_mae import convert_to_mmseg_mae
from .rename import RenameTable
from .timm_vit import convert_timm_vit, convert_to_timm_vit, timm_kwargs, timm_model_name

__all__ = ['DIRECTIONS', 'Conversion', 'RenameTable', 'convert_checkpoint', 'convert_hf_vitmae',
           'convert_mmpretrain_mae', 'convert_timm_vit', 'convert_to_hf_vitmae',
           'convert_to_mmseg_mae', 'convert_to_timm_vit', 'timm_kwargs', 'timm_model_name']
