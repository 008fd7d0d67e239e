"""``with_cp`` and ``selective_cp`` on the downstream backbones: same features and gradients;
with ``with_cp`` the blocks run again in backward."""
import pytest
import torch

from mmmae.models.backbones import MAEViTDet, MAEViTEncoder, MAEViTSeg

TINY = dict(arch=dict(embed_dim=32, depth=4, num_heads=4), patch_size=8, drop_path_rate=0.2)
BACKBONES = {
    'encoder': lambda **cp: MAEViTEncoder(img_size=32, **TINY, **cp),
    'det': lambda **cp: MAEViTDet(img_size=32, window_size=2, global_blocks=(3,), **TINY, **cp),
    'seg': lambda **cp: MAEViTSeg(img_size=32, **TINY, **cp),
}


def features_and_grads(backbone, images):
    torch.manual_seed(1)  # drop path draws
    outputs = backbone(images)
    sum(out.square().sum() for out in outputs).backward()
    return outputs, {n: p.grad for n, p in backbone.named_parameters() if p.grad is not None}


@pytest.mark.parametrize('option', ['with_cp', 'selective_cp'])
@pytest.mark.parametrize('kind', sorted(BACKBONES))
def test_checkpointing_gives_the_same_features_and_grads(kind, option):
    torch.manual_seed(0)
    plain = BACKBONES[kind]().train()
    checkpointed = BACKBONES[kind](**{option: True}).train()
    checkpointed.load_state_dict(plain.state_dict())
    calls = []
    checkpointed.blocks[0].register_forward_pre_hook(lambda *_: calls.append(1))
    images = torch.randn(2, 3, 32, 32)
    (outs, grads), (cp_outs, cp_grads) = (features_and_grads(b, images) for b in (plain, checkpointed))
    for out, cp_out in zip(outs, cp_outs):
        torch.testing.assert_close(cp_out, out, atol=1e-6, rtol=1e-5)
    assert grads.keys() == cp_grads.keys() and len(grads) > 10
    for name in grads:
        torch.testing.assert_close(cp_grads[name], grads[name], atol=1e-6, rtol=1e-5, msg=name)
    assert len(calls) == (2 if option == 'with_cp' else 1)  # whole blocks run again in backward
