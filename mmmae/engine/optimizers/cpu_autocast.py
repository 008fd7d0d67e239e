"""bf16 autocast on a CPU, where mmengine's AmpOptimWrapper needs a GPU."""
from contextlib import contextmanager

import torch
from mmengine.optim import OptimWrapper

from mmmae.registry import OPTIM_WRAPPERS


def cpu_has_native_bf16() -> bool:
    """True when oneDNN runs bf16 matmuls natively here (AVX512-BF16 or AMX); elsewhere bf16
    is emulated and slower than fp32."""
    check = getattr(torch.ops.mkldnn, '_is_mkldnn_bf16_supported', None)
    return bool(torch.backends.mkldnn.is_available() and check is not None and check())


@OPTIM_WRAPPERS.register_module()
class CPUAutocastOptimWrapper(OptimWrapper):
    """``OptimWrapper`` whose forward runs under ``torch.autocast('cpu', dtype)``: fp32 weights,
    gradients and optimizer state, bf16 matmuls, as ``AmpOptimWrapper(dtype='bfloat16')`` does on
    a GPU. No loss scaling (bf16 has fp32's range).

    Args:
        dtype: autocast dtype, ``'bfloat16'`` (``'float16'`` would need loss scaling).
    """

    def __init__(self, *args, dtype: str = 'bfloat16', **kwargs) -> None:
        if dtype not in ('bfloat16', torch.bfloat16):
            raise ValueError(f"CPUAutocastOptimWrapper supports dtype='bfloat16', got {dtype!r}; use "
                             'OptimWrapper for fp32')
        super().__init__(*args, **kwargs)
        self.cast_dtype = torch.bfloat16

    @contextmanager
    def optim_context(self, model: torch.nn.Module):
        with super().optim_context(model), torch.autocast('cpu', dtype=self.cast_dtype):
            yield
