from .mae_vit import ARCHS, MAEViT, resolve_arch
from .mae_vit_encoder import MAEViTEncoder

__all__ = ['ARCHS', 'MAEViT', 'MAEViTEncoder', 'resolve_arch']
