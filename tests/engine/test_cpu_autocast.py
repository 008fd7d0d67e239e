"""A bf16 GPU config without a GPU: bf16 autocast on a CPU that runs bf16 natively, else fp32."""
import pytest
import torch
from mmengine.config import Config

from mmmae.engine import CPUAutocastOptimWrapper
from mmmae.engine.optimizers import cpu_autocast
from mmmae.registry import OPTIM_WRAPPERS


@pytest.mark.parametrize('dtype,native,expected', [
    ('bfloat16', True, 'CPUAutocastOptimWrapper'), ('bfloat16', False, 'OptimWrapper'),
    ('float16', True, 'OptimWrapper')])
def test_amp_configs_without_a_gpu(monkeypatch, dtype, native, expected):
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: False)
    monkeypatch.setattr(cpu_autocast, 'cpu_has_native_bf16', lambda: native)
    model = torch.nn.Linear(2, 2)
    cfg = Config(dict(type='AmpOrCPUOptimWrapper', dtype=dtype, loss_scale='dynamic',
                      optimizer=torch.optim.AdamW(model.parameters(), lr=1e-3)))
    wrapper = OPTIM_WRAPPERS.build(cfg)
    assert type(wrapper).__name__ == expected
    assert not hasattr(wrapper, 'loss_scaler')  # no fp16 loss scaling without a GPU


@pytest.mark.skipif(not torch.cuda.is_available(), reason='needs a CUDA GPU')
@pytest.mark.cuda
def test_amp_configs_on_a_gpu_get_mmengines_amp_wrapper():
    from mmengine.optim import AmpOptimWrapper
    model = torch.nn.Linear(2, 2).cuda()
    wrapper = OPTIM_WRAPPERS.build(dict(type='AmpOrCPUOptimWrapper', dtype='bfloat16',
                                        optimizer=torch.optim.AdamW(model.parameters(), lr=1e-3)))
    assert type(wrapper) is AmpOptimWrapper and wrapper.cast_dtype == torch.bfloat16


def test_the_wrapper_runs_the_forward_in_bf16_and_keeps_fp32_weights():
    model = torch.nn.Linear(4, 4)
    wrapper = CPUAutocastOptimWrapper(optimizer=torch.optim.AdamW(model.parameters(), lr=1e-3))
    with wrapper.optim_context(model):
        out = model(torch.randn(2, 4))
    assert out.dtype == torch.bfloat16
    wrapper.update_params(out.float().pow(2).mean())
    assert model.weight.dtype == torch.float32 and model.weight.grad is None
    with pytest.raises(ValueError, match="dtype='bfloat16'"):
        CPUAutocastOptimWrapper(optimizer=torch.optim.AdamW(model.parameters()), dtype='float16')
