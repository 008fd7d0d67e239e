"""The speed options leave the numbers alone: on the same weights and mask they give the same loss
and gradients as the plain fp32 computation, within the tolerances stated in each test.

(compiled vs eager of a whole run: tests/tools/test_train_and_resume.py, through the config's
``compile``; of ``selective_cp``'s autograd functions: here.)
"""
from unittest import mock

import pytest
import torch
import torch.nn.functional as F
from torch.nn.attention import SDPBackend, sdpa_kernel

from _helpers import tiny_mae_cfg
from mmmae.models.layers.attention import Attention, fused_attention
from mmmae.registry import MODELS
from mmmae.utils.activation_memory import kept_for_backward


def build(neck=None, device='cpu', **backbone) -> torch.nn.Module:
    cfg = tiny_mae_cfg(**backbone)
    cfg['neck'].update(neck or {})
    torch.manual_seed(0)
    return MODELS.build(cfg).train().to(device)


def batch(device='cpu'):
    generator = torch.Generator().manual_seed(1)
    images, noise = torch.randn(4, 3, 32, 32, generator=generator), torch.rand(4, 16, generator=generator)
    return images.to(device), noise.to(device)


def loss_and_grads(model, images, noise, seed=2, amp=False):
    model.zero_grad(set_to_none=True)
    torch.manual_seed(seed)  # drop path draws (on every device)
    with torch.autocast(images.device.type, dtype=torch.bfloat16, enabled=amp):
        loss = model.loss(images, noise)['loss']
    loss.backward()
    return loss.detach(), {n: p.grad.clone() for n, p in model.named_parameters() if p.grad is not None}


def assert_same(a, b, atol, rtol):
    torch.testing.assert_close(a[0], b[0], atol=atol, rtol=rtol)
    assert a[1].keys() == b[1].keys()
    for name in a[1]:
        torch.testing.assert_close(a[1][name], b[1][name], atol=atol, rtol=rtol, msg=name)


def test_fused_attention_gives_the_loss_and_grads_of_math_attention(device):
    model, (images, noise) = build(device=device), batch(device)
    with sdpa_kernel(SDPBackend.MATH):  # softmax(q k^T / sqrt(d)) v as separate ops
        reference = loss_and_grads(model, images, noise)
    assert_same(loss_and_grads(model, images, noise), reference, atol=1e-5, rtol=1e-4)


def attention_output_and_grads(attend, inputs, weights):
    q, k, v = (t.clone().requires_grad_() for t in inputs)
    out = attend(q, k, v)
    (out.to(weights.dtype) * weights).sum().backward()
    return out, q.grad, k.grad, v.grad


@pytest.mark.parametrize('with_bias', [False, True])
def test_half_precision_attention_on_a_cpu_runs_the_fp32_kernel(with_bias):
    generator = torch.Generator().manual_seed(3)
    q, k, v = (torch.randn(2, 4, 10, 8, generator=generator).bfloat16() for _ in range(3))
    bias = torch.randn(1, 4, 10, 10, generator=generator) if with_bias else None
    with torch.autocast('cpu', dtype=torch.bfloat16):  # as in bf16 training
        out = fused_attention(q, k, v, bias)
    fp32 = F.scaled_dot_product_attention(q.float(), k.float(), v.float(), attn_mask=bias)
    assert out.dtype == torch.bfloat16
    torch.testing.assert_close(out, fp32.bfloat16(), atol=0, rtol=0)  # the fp32 result, rounded once
    half = F.scaled_dot_product_attention(q, k, v, attn_mask=None if bias is None else bias.bfloat16())
    assert not torch.equal(out, half)  # the bf16 kernel would round inside; a different result


def test_fp32_cpu_attention_gradients_are_closer_to_exact_than_the_bf16_kernels():
    generator = torch.Generator().manual_seed(6)
    inputs = [torch.randn(2, 4, 50, 32, generator=generator).bfloat16() for _ in range(3)]
    weights = torch.randn(2, 4, 50, 32, generator=generator)
    exact = attention_output_and_grads(F.scaled_dot_product_attention,
                                       [t.double() for t in inputs], weights.double())
    ours = attention_output_and_grads(fused_attention, inputs, weights)
    with torch.nn.attention.sdpa_kernel(SDPBackend.FLASH_ATTENTION):
        half = attention_output_and_grads(F.scaled_dot_product_attention, inputs, weights)
    def error(result, index):
        return ((result[index].double() - exact[index]).norm() / exact[index].norm()).item()
    for index in (1, 2, 3):  # the gradients of q, k and v
        assert error(ours, index) < 2.8e-3 and error(ours, index) < error(half, index), index


def test_fp32_cpu_attention_keeps_what_the_bf16_kernel_keeps_for_backward():
    q, k, v = (torch.randn(2, 4, 10, 8, dtype=torch.bfloat16, requires_grad=True) for _ in range(3))
    kept = {}
    for setting in ('fp32', 'native'):
        kept[setting] = kept_for_backward(lambda s=setting: fused_attention(q, k, v, cpu_half_attention=s))
    logsumexp = 2 * 4 * 10 * 4
    assert kept['fp32'] == kept['native'] == 4 * q.numel() * 2 + logsumexp  # q, k, v, output


def test_only_half_precision_is_upcast_on_a_cpu():
    generator = torch.Generator().manual_seed(5)
    q, k, v = (torch.randn(2, 4, 10, 8, generator=generator, dtype=torch.float64) for _ in range(3))
    out = fused_attention(q, k, v)
    assert out.dtype == torch.float64
    torch.testing.assert_close(out, F.scaled_dot_product_attention(q, k, v), atol=0, rtol=0)


def test_bf16_attention_gradients_stay_within_bf16_rounding_of_fp32():
    torch.manual_seed(4)
    attention = Attention(32, num_heads=4, rel_pos_grid=(3, 3))
    torch.nn.init.normal_(attention.rel_pos.table, std=0.5)  # a bias that matters
    x = torch.randn(2, 9, 32)
    attention(x).square().sum().backward()
    fp32 = {n: p.grad.clone() for n, p in attention.named_parameters()}
    attention.zero_grad()
    with torch.autocast('cpu', dtype=torch.bfloat16):
        attention(x).float().square().sum().backward()
    for name, grad in fp32.items():
        error = (attention.get_parameter(name).grad - grad).norm() / grad.norm()
        assert error < 0.02, name


def test_activation_checkpointing_gives_the_same_loss_and_grads_and_recomputes(device):
    images, noise = batch(device)
    plain = build(drop_path_rate=0.2, device=device)
    checkpointed = build(neck=dict(with_cp=True), drop_path_rate=0.2, with_cp=True, device=device)
    calls = []
    checkpointed.backbone.blocks[0].register_forward_pre_hook(lambda *_: calls.append(1))
    # drop path draws are replayed in the recomputation, so even they agree
    assert_same(loss_and_grads(checkpointed, images, noise), loss_and_grads(plain, images, noise),
                atol=1e-6, rtol=1e-5)
    assert len(calls) == 2  # forward, then again in backward
    with torch.no_grad():  # nothing to recompute without autograd
        checkpointed.loss(images, noise)
    assert len(calls) == 3


@pytest.mark.parametrize('amp', [False, True])
def test_selective_recompute_gives_the_loss_and_grads_of_storing_everything(amp, device):
    images, noise = batch(device)
    plain = build(drop_path_rate=0.2, device=device)
    selective = build(neck=dict(selective_cp=True), drop_path_rate=0.2, selective_cp=True,
                      device=device)
    assert_same(loss_and_grads(selective, images, noise, amp=amp),
                loss_and_grads(plain, images, noise, amp=amp), atol=1e-6, rtol=1e-5)


def test_selective_recompute_compiles_to_the_eager_loss_and_grads(device):
    images, noise = batch(device)
    model = build(neck=dict(selective_cp=True), selective_cp=True, device=device)
    eager = loss_and_grads(model, images, noise)
    compiled_loss = torch.compile(model.loss)
    with mock.patch.object(model, 'loss', compiled_loss):
        compiled = loss_and_grads(model, images, noise)
    assert_same(compiled, eager, atol=1e-6, rtol=1e-5)


def test_selective_recompute_keeps_no_layer_norm_or_gelu_output():
    images, noise = batch()
    kept = {}
    for selective in (False, True):
        model = build(neck=dict(selective_cp=selective), selective_cp=selective)
        kept[selective] = kept_for_backward(lambda m=model: m.loss(images, noise), model.parameters())
    # fp32, per block: the outputs of its two LayerNorms [N, T, D] and of its GELU [N, T, 4D];
    # the encoder's 2 blocks see 1 + 4 tokens of width 64, the decoder's block 1 + 16 of 32
    per_token = {64: 2 * 64 + 4 * 64, 32: 2 * 32 + 4 * 32}
    assert kept[False] - kept[True] == 4 * 4 * (2 * 5 * per_token[64] + 17 * per_token[32])
    assert kept[True] < 0.8 * kept[False]


def test_bf16_autocast_loss_is_within_one_percent_of_fp32(device):
    model, (images, noise) = build(device=device), batch(device)
    reference = model.loss(images, noise)['loss']
    with torch.autocast(device.type, dtype=torch.bfloat16):
        loss = model.loss(images, noise)['loss']
    assert loss.dtype == torch.float32  # the head computes the loss in fp32
    torch.testing.assert_close(loss, reference, atol=0, rtol=1e-2)  # measured: 1e-4 to 2e-4


def test_fused_and_foreach_adamw_steps_equal_the_plain_one(device):
    images, noise = batch(device)
    _, grads = loss_and_grads(build(device=device), images, noise)
    results = []
    for options in ({}, dict(fused=True), dict(foreach=True)):
        params = dict(build(device=device).named_parameters())
        optimizer = torch.optim.AdamW(params.values(), lr=1e-3, betas=(0.9, 0.95),
                                      weight_decay=0.05, **options)
        for scale in (1.0, -0.5):  # two steps with the same gradients
            for name, param in params.items():
                param.grad = grads[name] * scale if name in grads else None
            optimizer.step()
        results.append(params)
    for other in results[1:]:
        for name, param in results[0].items():
            torch.testing.assert_close(other[name], param, atol=1e-6, rtol=1e-5, msg=name)
