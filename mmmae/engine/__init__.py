"""Runner-side parts of mmmae: safe checkpoint loading, optimizer constructors."""
from .checkpoint import (MMENGINE_CHECKPOINT_GLOBALS, CheckpointLoadError, install_safe_local_loader,
                         load_checkpoint_file)
from .optimizers import LayerDecayOptimWrapperConstructor

__all__ = ['MMENGINE_CHECKPOINT_GLOBALS', 'CheckpointLoadError', 'LayerDecayOptimWrapperConstructor',
           'install_safe_local_loader', 'load_checkpoint_file']
