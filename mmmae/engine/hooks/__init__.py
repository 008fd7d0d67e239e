"""mmmae's Runner hooks."""
from .compile_hook import CompileModelHook
from .non_finite_loss_hook import NonFiniteLossError, NonFiniteLossHook
from .progressive_resolution_hook import (ProgressiveResolutionHook, ResolutionStage,
                                          progressive_stages, stage_shares)
from .random_state_hook import RandomStateHook
from .reconstruction_hook import ReconstructionHook

__all__ = ['CompileModelHook', 'NonFiniteLossError', 'NonFiniteLossHook', 'ProgressiveResolutionHook',
           'RandomStateHook', 'ReconstructionHook', 'ResolutionStage', 'progressive_stages',
           'stage_shares']
