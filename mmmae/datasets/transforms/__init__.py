"""Data transforms mmmae adds to MMPretrain's."""
from .band_stack import BadBandStackError, LoadBandStack, StackTimeInChannels
from .crop_decode import LoadRandomResizedCrop
from .loading import BadImageError, LoadImage, LoadImageBytes, decode_image
from .seeded import SeededAugment, sample_seed
from .video import (BadVideoError, ClipFlip, ClipRandomResizedCrop, LoadVideoClip, PackClip,
                    clip_start, segment_frames)

__all__ = ['BadBandStackError', 'BadImageError', 'BadVideoError', 'ClipFlip', 'ClipRandomResizedCrop',
           'LoadBandStack', 'LoadImage', 'LoadImageBytes', 'LoadRandomResizedCrop', 'LoadVideoClip',
           'PackClip', 'SeededAugment', 'StackTimeInChannels', 'clip_start', 'decode_image', 'segment_frames',
           'sample_seed']
