"""A bf16 GPU config without a GPU: bf16 autocast on a CPU that runs bf16 natively, else fp32."""
import pytest
import torch
from mmengine.config import Config

import mmmae.engine
from mmmae.engine import CPUAutocastOptimWrapper
from mmmae.utils.launch import amp_without_gpu


@pytest.mark.parametrize('dtype,native,expected', [
    ('bfloat16', True, 'CPUAutocastOptimWrapper'), ('bfloat16', False, 'OptimWrapper'),
    ('float16', True, 'OptimWrapper')])
def test_amp_configs_without_a_gpu(monkeypatch, dtype, native, expected):
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: False)
    monkeypatch.setattr(mmmae.engine, 'cpu_has_native_bf16', lambda: native)
    cfg = Config(dict(optim_wrapper=dict(type='AmpOptimWrapper', dtype=dtype, loss_scale='dynamic',
                                         optimizer=dict(type='AdamW', lr=1e-3))))
    amp_without_gpu(cfg)
    assert cfg.optim_wrapper.type == expected
    assert 'dtype' not in cfg.optim_wrapper and 'loss_scale' not in cfg.optim_wrapper


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
