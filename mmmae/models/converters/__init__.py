"""Key-layout converters between other MAE / ViT implementations and mmmae."""
from .hf_vitmae import convert_hf_vitmae, convert_to_hf_vitmae
from .mmpretrain_mae import convert_mmpretrain_mae
from .timm_vit import convert_timm_vit, convert_to_timm_vit, timm_kwargs, timm_model_name

__all__ = ['convert_hf_vitmae', 'convert_mmpretrain_mae', 'convert_timm_vit',
           'convert_to_hf_vitmae', 'convert_to_timm_vit', 'timm_kwargs', 'timm_model_name']
