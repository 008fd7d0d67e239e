from .mae_decoder import MAEDecoder
from .simple_fpn import SimpleFPN

__all__ = ['MAEDecoder', 'SimpleFPN']
