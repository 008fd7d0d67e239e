from .cross_mae_decoder import CrossMAEDecoder
from .mae_decoder import MAEDecoder
from .mae_video_decoder import MAEVideoDecoder
from .simple_fpn import SimpleFPN

__all__ = ['CrossMAEDecoder', 'MAEDecoder', 'MAEVideoDecoder', 'SimpleFPN']
