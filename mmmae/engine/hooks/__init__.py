"""mmmae's Runner hooks."""
from .non_finite_loss_hook import NonFiniteLossError, NonFiniteLossHook
from .random_state_hook import RandomStateHook
from .reconstruction_hook import ReconstructionHook

__all__ = ['NonFiniteLossError', 'NonFiniteLossHook', 'RandomStateHook', 'ReconstructionHook']
