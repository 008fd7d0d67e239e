from .mae_decoder import MAEDecoder
from .mae_video_decoder import MAEVideoDecoder
from .simple_fpn import SimpleFPN

__all__ = ['MAEDecoder', 'MAEVideoDecoder', 'SimpleFPN']
