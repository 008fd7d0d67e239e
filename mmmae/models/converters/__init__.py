"""Key-layout converters from other MAE implementations to mmmae."""
from .mmpretrain_mae import convert_mmpretrain_mae

__all__ = ['convert_mmpretrain_mae']
