"""Data transforms mmmae adds to MMPretrain's."""
from .loading import BadImageError, LoadImage, decode_image

__all__ = ['BadImageError', 'LoadImage', 'decode_image']
