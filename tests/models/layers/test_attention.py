
import pytest
import torch

from _helpers import tiny_mae_cfg
from mmmae.models.layers import Attention, TransformerBlock
from mmmae.registry import MODELS


def test_sdpa_attention_equals_explicit_softmax_attention():
    torch.manual_seed(0)
    attn = Attention(32, 4).eval()
    x = torch.randn(2, 10, 32)
    qkv = attn.qkv(x).reshape(2, 10, 3, 4, 8).permute(2, 0, 3, 1, 4)
    q, k, v = qkv[0], qkv[1], qkv[2]
    weights = (q @ k.transpose(-2, -1) / 8 ** 0.5).softmax(-1)
    expected = attn.proj((weights @ v).transpose(1, 2).reshape(2, 10, 32))
    torch.testing.assert_close(attn(x), expected, atol=1e-5, rtol=1e-5)


def test_block_keeps_shape_and_uses_official_parameter_names():
    block = TransformerBlock(32, 4)
    assert block(torch.randn(2, 5, 32)).shape == (2, 5, 32)
    names = set(block.state_dict())
    assert {'norm1.weight', 'attn.qkv.weight', 'attn.proj.bias', 'norm2.bias',
            'mlp.fc1.weight', 'mlp.fc2.bias'} <= names


def test_the_cpu_half_attention_option_reaches_every_block_and_a_wrong_one_is_named():
    cfg = tiny_mae_cfg(cpu_half_attention='native')
    cfg['neck']['cpu_half_attention'] = 'native'
    model = MODELS.build(cfg)
    blocks = [*model.backbone.blocks, *model.neck.decoder_blocks]
    assert {b.attn.cpu_half_attention for b in blocks} == {'native'}
    assert {b.attn.cpu_half_attention for b in MODELS.build(tiny_mae_cfg()).backbone.blocks} == {'fp32'}
    with pytest.raises(ValueError, match=r"cpu_half_attention='bf16' is not one of \('fp32', 'native'\)"):
        MODELS.build(tiny_mae_cfg(cpu_half_attention='bf16'))
