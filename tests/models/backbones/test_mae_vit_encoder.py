import pytest
import torch
from mmengine.runner.checkpoint import load_checkpoint

from mmmae.models.backbones import MAEViTEncoder
from mmmae.registry import MODELS
from _helpers import tiny_mae_cfg

TINY = dict(arch=dict(embed_dim=64, depth=2, num_heads=4), patch_size=8)


@pytest.mark.parametrize('out_type,shape', [('avg_featmap', (2, 64)), ('cls_token', (2, 64)),
                                            ('raw', (2, 17, 64))])
def test_output_types(out_type, shape):
    encoder = MAEViTEncoder(img_size=32, out_type=out_type, **TINY)
    (features,) = encoder(torch.randn(2, 3, 32, 32))
    assert features.shape == shape


def test_global_pool_uses_fc_norm_instead_of_the_final_norm():
    encoder = MAEViTEncoder(img_size=32, **TINY)
    assert isinstance(encoder.norm, torch.nn.Identity)
    assert 'fc_norm.weight' in encoder.state_dict() and 'norm.weight' not in encoder.state_dict()
    assert encoder.pos_embed.requires_grad  # learnt when fine-tuning


def test_frozen_encoder_stays_in_eval_and_builds_no_graph():
    encoder = MAEViTEncoder(img_size=32, frozen=True, drop_path_rate=0.5, **TINY)
    encoder.train()
    assert not encoder.training
    assert not any(p.requires_grad for p in encoder.parameters())
    (features,) = encoder(torch.randn(2, 3, 32, 32))
    assert not features.requires_grad
    torch.testing.assert_close(encoder(torch.ones(1, 3, 32, 32))[0],
                               encoder(torch.ones(1, 3, 32, 32))[0])  # drop path off


def pretraining_checkpoint(tmp_path) -> tuple:
    torch.manual_seed(0)
    mae = MODELS.build(tiny_mae_cfg())
    path = tmp_path / 'pretrain.pth'
    torch.save(dict(state_dict=mae.state_dict(), meta=dict(epoch=1)), path)
    return mae, path


def test_pretrained_init_takes_the_encoder_and_drops_the_decoder(tmp_path):
    mae, path = pretraining_checkpoint(tmp_path)
    encoder = MODELS.build(dict(type='MAEViTEncoder', img_size=32, out_type='cls_token', **TINY,
                                init_cfg=dict(type='Pretrained', checkpoint=str(path),
                                              prefix='backbone.')))
    encoder.init_weights()
    for key, value in encoder.state_dict().items():
        torch.testing.assert_close(value, mae.backbone.state_dict()[key], rtol=0, atol=0)


def test_position_embedding_is_resampled_for_a_larger_image(tmp_path):
    mae, path = pretraining_checkpoint(tmp_path)
    encoder = MAEViTEncoder(img_size=64, **TINY)  # 4x4 pretraining grid -> 8x8
    load_checkpoint(encoder, str(path), revise_keys=[(r'^backbone\.', '')])
    assert encoder.pos_embed.shape == (1, 65, 64)
    torch.testing.assert_close(encoder.pos_embed[:, 0], mae.backbone.pos_embed[:, 0])
    assert encoder(torch.randn(1, 3, 64, 64))[0].shape == (1, 64)


def test_checkpoint_of_another_width_names_the_arch_problem(tmp_path):
    _, path = pretraining_checkpoint(tmp_path)
    encoder = MAEViTEncoder(arch=dict(embed_dim=32, depth=2, num_heads=4), patch_size=8,
                            img_size=64)
    with pytest.raises(ValueError, match='check that the arch matches the checkpoint'):
        load_checkpoint(encoder, str(path), revise_keys=[(r'^backbone\.', '')])


def test_position_embedding_is_resampled_for_a_non_square_input(tmp_path):
    _, path = pretraining_checkpoint(tmp_path)
    encoder = MAEViTEncoder(img_size=(32, 64), out_type='raw', **TINY)  # 4x4 grid -> 4x8
    load_checkpoint(encoder, str(path), revise_keys=[(r'^backbone\.', '')])
    assert encoder.pos_embed.shape == (1, 1 + 32, 64)
    assert encoder(torch.randn(2, 3, 32, 64))[0].shape == (2, 33, 64)
