"""A checkpoint written by mmmae 0.1 (a real Runner checkpoint of a tiny MAE, committed with what
that code computed from it) still loads and computes the same: the pretraining loss and
predictions, and the features of every downstream backbone built from it with
``init_cfg=dict(type='Pretrained', prefix='backbone.')``. tests/fixtures/make_checkpoint_fixture.py
wrote both files once; later code must match them, not rewrite them."""
from pathlib import Path

import pytest
import torch
from mmengine.config import Config

from mmmae.engine import load_checkpoint_file
from mmmae.registry import MODELS

FIXTURES = Path(__file__).resolve().parents[1] / 'fixtures'
CHECKPOINT = FIXTURES / 'mae_tiny_0.1.pth'
OUTPUTS = FIXTURES / 'mae_tiny_0.1_outputs.pth'
DEMO = Path(__file__).resolve().parents[2] / 'configs/mae/mae_vit-demo-p4_1xb64-coslr-20e_mnist5k.py'
SHAPE = dict(arch=dict(embed_dim=32, depth=2, num_heads=2), img_size=32, patch_size=8,
             decoder=dict(decoder_embed_dim=16, decoder_depth=1, decoder_num_heads=2))
ENCODER = dict(arch=SHAPE['arch'], patch_size=SHAPE['patch_size'],
               init_cfg=dict(type='Pretrained', checkpoint=str(CHECKPOINT), prefix='backbone.'))
BACKBONES = {
    **{f'encoder_{out}': dict(type='MAEViTEncoder', img_size=32, out_type=out, **ENCODER)
       for out in ('avg_featmap', 'cls_token', 'raw')},
    # resampled grid; without the cls token, as MAEViTSeg ran when the fixture was written
    'seg': dict(type='MAEViTSeg', img_size=48, out_indices=(0, 1), cls_token=False, **ENCODER),
    'det': dict(type='MAEViTDet', img_size=32, window_size=2, global_blocks=(1,), **ENCODER),
}


def fixed_inputs():
    generator = torch.Generator().manual_seed(0)
    return torch.randn(2, 3, 32, 32, generator=generator), torch.rand(2, 16, generator=generator)


def pretraining_model() -> torch.nn.Module:
    cfg = Config.fromfile(str(DEMO)).model
    cfg.backbone.update(arch=SHAPE['arch'], img_size=SHAPE['img_size'],
                        patch_size=SHAPE['patch_size'])
    cfg.neck.update(SHAPE['decoder'])
    model = MODELS.build(cfg).eval()
    model.load_state_dict(load_checkpoint_file(CHECKPOINT)['state_dict'], strict=True)
    return model


@torch.no_grad()
def pretraining_outputs(images: torch.Tensor, noise: torch.Tensor) -> dict:
    model = pretraining_model()
    latent, mask, ids_restore = model.backbone(images, noise)
    return dict(loss=model.loss(images, noise)['loss'], latent=latent, mask=mask,
                pred=model.neck(latent, ids_restore))


@torch.no_grad()
def backbone_outputs(images: torch.Tensor) -> dict:
    outputs = {}
    for name, cfg in BACKBONES.items():
        backbone = MODELS.build(cfg)
        backbone.init_weights()
        size = cfg['img_size']
        inputs = torch.nn.functional.interpolate(images, size=(size, size), mode='bilinear')
        for index, feature in enumerate(backbone.eval()(inputs)):
            outputs[f'{name}.{index}'] = feature
    return outputs


@pytest.fixture(scope='module')
def expected() -> dict:
    return torch.load(OUTPUTS, weights_only=True)


def test_the_old_runner_checkpoint_loads_and_gives_the_same_loss_and_predictions(expected):
    checkpoint = load_checkpoint_file(CHECKPOINT)
    assert checkpoint['meta']['epoch'] == 1 and 'message_hub' in checkpoint  # a Runner's
    for key, value in pretraining_outputs(*fixed_inputs()).items():
        torch.testing.assert_close(value, expected[key], atol=1e-6, rtol=1e-5, msg=key)


def test_every_downstream_backbone_computes_what_it_computed_from_the_old_checkpoint(expected):
    outputs = backbone_outputs(fixed_inputs()[0])
    assert outputs.keys() == {k for k in expected if k.split('.')[0] in BACKBONES}
    for key, value in outputs.items():
        torch.testing.assert_close(value, expected[key], atol=1e-6, rtol=1e-5, msg=key)
