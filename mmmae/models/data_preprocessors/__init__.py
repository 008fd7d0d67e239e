from .clip_data_preprocessor import ClipCutMix, ClipDataPreprocessor
from .device_decode import (DeviceDecodePreprocessor, crop_resize, decode_images,
                            random_resized_crop_boxes)
from .mae_data_preprocessor import MAEDataPreprocessor

__all__ = ['ClipCutMix', 'ClipDataPreprocessor', 'DeviceDecodePreprocessor', 'MAEDataPreprocessor',
           'crop_resize', 'decode_images', 'random_resized_crop_boxes']
