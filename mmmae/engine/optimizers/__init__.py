from .layer_decay_constructor import LayerDecayOptimWrapperConstructor, layer_id
from .skip_non_finite import SkipNonFiniteAmpOptimWrapper, SkipNonFiniteOptimWrapper

__all__ = ['LayerDecayOptimWrapperConstructor', 'SkipNonFiniteAmpOptimWrapper',
           'SkipNonFiniteOptimWrapper', 'layer_id']
