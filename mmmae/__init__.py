"""mmmae: Masked Autoencoders (He et al. 2021) as an OpenMMLab plugin."""
from .engine.checkpoint import install_safe_local_loader
from .version import __version__

# mmengine 0.10.7 cannot resume its own checkpoints on torch >= 2.6; see engine/checkpoint.py.
install_safe_local_loader()

__all__ = ['__version__']
