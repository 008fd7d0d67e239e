"""Data transforms mmmae adds to MMPretrain's."""
from .crop_decode import LoadRandomResizedCrop
from .loading import BadImageError, LoadImage, LoadImageBytes, decode_image
from .seeded import SeededAugment, sample_seed
from .video import (BadVideoError, ClipFlip, ClipRandomResizedCrop, LoadVideoClip, PackClip,
                    clip_start)

__all__ = ['BadImageError', 'BadVideoError', 'ClipFlip', 'ClipRandomResizedCrop', 'LoadImage',
           'LoadImageBytes', 'LoadRandomResizedCrop', 'LoadVideoClip', 'PackClip', 'SeededAugment',
           'clip_start', 'decode_image', 'sample_seed']
