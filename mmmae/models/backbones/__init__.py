from ..layers.vit import ARCHS, resolve_arch
from .mae_video_vit import MAEVideoViT
from .mae_video_vit_encoder import MAEVideoViTEncoder
from .mae_video_vit_seg import MAEVideoViTSeg
from .mae_vit import MAEViT
from .mae_vit_det import MAEViTDet
from .mae_vit_encoder import MAEViTEncoder
from .mae_vit_seg import MAEViTSeg

__all__ = ['ARCHS', 'MAEVideoViT', 'MAEVideoViTEncoder', 'MAEVideoViTSeg', 'MAEViT', 'MAEViTDet',
           'MAEViTEncoder', 'MAEViTSeg', 'resolve_arch']
