"""Every config in configs/ loads and builds its model."""
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope

from mmmae.registry import MODELS

CONFIGS = sorted(p for p in (Path(__file__).resolve().parents[2] / 'configs').rglob('*.py')
                 if '_base_' not in p.parts)
EXPECTED = {  # config name fragment -> (arch width, depth, patch, epochs)
    'vit-base-p16': (768, 12, 16), 'vit-large-p16': (1024, 24, 16), 'vit-huge-p14': (1280, 32, 14),
}


def test_the_published_grid_is_there():
    names = {p.name for p in CONFIGS}
    for arch, epochs in [('base-p16', (300, 400, 800, 1600)), ('large-p16', (300, 400, 800, 1600)),
                         ('huge-p14', (1600,))]:
        for e in epochs:
            assert f'mae_vit-{arch}_8xb512-amp-coslr-{e}e_in1k.py' in names


@pytest.mark.parametrize('path', CONFIGS, ids=[p.stem for p in CONFIGS])
def test_config_builds_its_model(path):
    cfg = Config.fromfile(str(path))
    assert cfg.default_scope in ('mmmae', 'mmdet')  # MMDet's internals need its own scope
    # meta device: shapes and wiring without allocating ViT-H weights
    with DefaultScope.overwrite_default_scope(cfg.default_scope), torch.device('meta'):
        model = MODELS.build(cfg.model)
    for fragment, (width, depth, patch) in EXPECTED.items():
        if path.name.startswith('mae_' + fragment):
            assert model.backbone.embed_dim == width and len(model.backbone.blocks) == depth
            assert model.backbone.patch_size == patch == model.head.patch_size
            epochs = int(path.stem.split('coslr-')[1].split('e_')[0])
            assert cfg.train_cfg.max_epochs == epochs
            assert cfg.param_scheduler[-1].end == epochs
            assert cfg.param_scheduler[0].end == 40
            assert cfg.optim_wrapper.optimizer.lr == pytest.approx(1.5e-4 * 4096 / 256)
            assert cfg.optim_wrapper.optimizer.betas == (0.9, 0.95)
            assert cfg.auto_scale_lr.base_batch_size == 4096
            assert model.backbone.mask_ratio == 0.75 and model.head.norm_pix
            assert cfg.train_dataloader.batch_size == 512
