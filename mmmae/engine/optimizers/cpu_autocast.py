"""bf16 autocast on a CPU, where mmengine's AmpOptimWrapper needs a GPU."""
import logging
from contextlib import contextmanager
from typing import Optional, Union

import torch
from mmengine.logging import print_log
from mmengine.optim import AmpOptimWrapper, OptimWrapper

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


@OPTIM_WRAPPERS.register_module(name='AmpOrCPUOptimWrapper')
def amp_or_cpu_optim_wrapper(dtype: Optional[str] = None, loss_scale: Union[str, float, dict] = 'dynamic',
                             use_fsdp: bool = False, **kwargs) -> OptimWrapper:
    """``optim_wrapper.type='AmpOrCPUOptimWrapper'``: mmengine's ``AmpOptimWrapper`` on a GPU,
    and a run that still starts where none is visible (a smoke test, the CPU tests).

    Without a GPU, bf16 autocast stays on where the CPU runs bf16 natively
    (:class:`CPUAutocastOptimWrapper`, about 1.5x faster than fp32 on AVX512-BF16); fp16, or
    bf16 where it would be emulated, trains in fp32 (``OptimWrapper``). The choice is logged.
    mmmae's GPU configs name this type; ``AmpOptimWrapper`` itself refuses to start on a CPU.
    """
    if torch.cuda.is_available():
        return AmpOptimWrapper(dtype=dtype, loss_scale=loss_scale, use_fsdp=use_fsdp, **kwargs)
    if str(dtype) in ('bfloat16', 'torch.bfloat16') and cpu_has_native_bf16():
        print_log('no GPU is visible: bf16 autocast on the CPU (CPUAutocastOptimWrapper)',
                  logger='current', level=logging.WARNING)
        return CPUAutocastOptimWrapper(dtype='bfloat16', **kwargs)
    print_log(f'no GPU is visible and this CPU has no native {dtype or "float16"}: fp32 '
              'OptimWrapper', logger='current', level=logging.WARNING)
    return OptimWrapper(**kwargs)
