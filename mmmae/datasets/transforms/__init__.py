"""Data transforms mmmae adds to MMPretrain's."""
from .crop_decode import LoadRandomResizedCrop
from .loading import BadImageError, LoadImage, LoadImageBytes, decode_image
from .seeded import SeededAugment, sample_seed

__all__ = ['BadImageError', 'LoadImage', 'LoadImageBytes', 'LoadRandomResizedCrop',
           'SeededAugment', 'decode_image', 'sample_seed']
