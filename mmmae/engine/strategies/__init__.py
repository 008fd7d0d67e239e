"""Training strategies for MMEngine's FlexibleRunner."""
from .fsdp import MAEFSDPStrategy, local_device, transformer_block_policy

__all__ = ['MAEFSDPStrategy', 'local_device', 'transformer_block_policy']
