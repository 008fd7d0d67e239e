from .cpu_autocast import CPUAutocastOptimWrapper, amp_or_cpu_optim_wrapper, cpu_has_native_bf16
from .layer_decay_constructor import LayerDecayOptimWrapperConstructor, layer_id
from .skip_non_finite import SkipNonFiniteAmpOptimWrapper, SkipNonFiniteOptimWrapper

__all__ = ['CPUAutocastOptimWrapper', 'LayerDecayOptimWrapperConstructor',
           'SkipNonFiniteAmpOptimWrapper', 'SkipNonFiniteOptimWrapper', 'amp_or_cpu_optim_wrapper',
           'cpu_has_native_bf16',
           'layer_id']
