"""mmmae: Masked Autoencoders (He et al. 2021) as an OpenMMLab plugin.

Importing it changes nothing in mmengine, MMDetection or MMSegmentation: what mmmae adds is
registered (``mmmae.utils.register_all_modules``) and chosen in the configs.
"""
from .version import __version__

__all__ = ['__version__']
