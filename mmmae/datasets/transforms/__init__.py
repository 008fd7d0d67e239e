"""Data transforms mmmae adds to MMPretrain's."""
from .loading import BadImageError, LoadImage, LoadImageBytes, decode_image

__all__ = ['BadImageError', 'LoadImage', 'LoadImageBytes', 'decode_image']
