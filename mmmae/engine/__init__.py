"""Runner-side parts of mmmae: safe checkpoint loading."""
from .checkpoint import (MMENGINE_CHECKPOINT_GLOBALS, CheckpointLoadError, install_safe_local_loader,
                         load_checkpoint_file)

__all__ = ['MMENGINE_CHECKPOINT_GLOBALS', 'CheckpointLoadError', 'install_safe_local_loader',
           'load_checkpoint_file']
