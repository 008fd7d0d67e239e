"""mmmae's Runner hooks."""
from .compile_hook import CompileModelHook
from .non_finite_loss_hook import NonFiniteLossError, NonFiniteLossHook
from .random_state_hook import RandomStateHook
from .reconstruction_hook import ReconstructionHook

__all__ = ['CompileModelHook', 'NonFiniteLossError', 'NonFiniteLossHook', 'RandomStateHook',
           'ReconstructionHook']
