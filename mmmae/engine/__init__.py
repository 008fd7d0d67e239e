"""Runner-side parts of mmmae: atomic and safe checkpoints, resume, RNG states, optimizer constructors.

The FSDP strategy (``mmmae.engine.strategies``) and its sharded checkpoints
(``mmmae.engine.sharded_checkpoint``) are imported where used: torch's FSDP and distributed
checkpoint modules add seconds to every import."""
from .atomic_io import ATOMIC_BACKEND, AtomicLocalBackend, atomic_write, atomic_write_bytes
from .checkpoint import (MMENGINE_CHECKPOINT_GLOBALS, CheckpointLoadError, check_resume_fits,
                         checkpoint_problem, latest_good_checkpoint, load_checkpoint_file,
                         load_into_model, load_model_checkpoint, read_checkpoint)
from .runner import SafeFlexibleRunner, SafeLoadRunner, SafePretrainedInit
from .hooks import (CompileModelHook, NonFiniteLossError, NonFiniteLossHook, ProgressiveResolutionHook,
                    RandomStateHook, ReconstructionHook)
from .optimizers import (CPUAutocastOptimWrapper, LayerDecayOptimWrapperConstructor,
                         SkipNonFiniteAmpOptimWrapper, SkipNonFiniteOptimWrapper,
                         amp_or_cpu_optim_wrapper, cpu_has_native_bf16)

__all__ = ['ATOMIC_BACKEND', 'MMENGINE_CHECKPOINT_GLOBALS', 'AtomicLocalBackend', 'CPUAutocastOptimWrapper',
           'CheckpointLoadError', 'CompileModelHook',
           'LayerDecayOptimWrapperConstructor', 'NonFiniteLossError', 'NonFiniteLossHook',
           'ProgressiveResolutionHook',
           'RandomStateHook', 'ReconstructionHook', 'SkipNonFiniteAmpOptimWrapper',
           'SkipNonFiniteOptimWrapper',
           'amp_or_cpu_optim_wrapper', 'atomic_write', 'atomic_write_bytes', 'check_resume_fits',
           'checkpoint_problem', 'cpu_has_native_bf16',
           'latest_good_checkpoint', 'load_checkpoint_file', 'load_into_model',
           'load_model_checkpoint', 'read_checkpoint', 'SafeFlexibleRunner', 'SafeLoadRunner',
           'SafePretrainedInit']
