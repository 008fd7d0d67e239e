from .mae_pixel_head import MAEPixelHead
from .mae_video_pixel_head import MAEVideoPixelHead

__all__ = ['MAEPixelHead', 'MAEVideoPixelHead']
