from .mae_vit import ARCHS, MAEViT, resolve_arch

__all__ = ['ARCHS', 'MAEViT', 'resolve_arch']
