"""The digit-canvas Mask R-CNN and UperNet demo configs: load the demo MAE, train, evaluate."""
from pathlib import Path

import pytest
import torch
from conftest import DEMO_CONFIG, ROOT, load_tool
from mmengine.config import Config
from mmengine.registry import DefaultScope

from mmmae.registry import MODELS

train_tool = load_tool('train')
test_tool = load_tool('test')

BENCH = ROOT / 'configs' / 'mae' / 'benchmarks'
CONFIGS = {'det': BENCH / 'mask-rcnn_vit-demo-p4_mae-pre_1xb8-coslr-1000i_digit-canvas.py',
           'seg': BENCH / 'upernet_vit-demo-p4_mae-pre_1xb8-poly-3000i_digit-canvas.py'}
METRICS = {'det': {'coco/bbox_mAP', 'coco/segm_mAP'}, 'seg': {'aAcc', 'mIoU', 'mAcc'}}


@pytest.fixture(scope='module')
def demo_checkpoint(tmp_path_factory) -> Path:
    """A checkpoint of a freshly built demo MAE (the pretraining config's model)."""
    torch.manual_seed(0)
    mae = MODELS.build(Config.fromfile(str(DEMO_CONFIG)).model)
    path = tmp_path_factory.mktemp('demo') / 'epoch_20.pth'
    torch.save(dict(state_dict=mae.state_dict()), path)
    return path


def build(name: str, checkpoint: Path) -> torch.nn.Module:
    cfg = Config.fromfile(str(CONFIGS[name]))
    cfg.model.backbone.init_cfg.checkpoint = str(checkpoint)
    with DefaultScope.overwrite_default_scope(cfg.default_scope):
        return MODELS.build(cfg.model)


@pytest.mark.parametrize('name', list(CONFIGS))
def test_demo_checkpoint_loads_with_only_the_expected_differences(name, demo_checkpoint):
    saved = {k[len('backbone.'):]: v for k, v in torch.load(demo_checkpoint)['state_dict'].items()
             if k.startswith('backbone.')}
    missing, unexpected = build(name, demo_checkpoint).backbone.load_state_dict(saved,
                                                                                strict=False)
    assert sorted(missing) == [f'blocks.{i}.attn.rel_pos.table' for i in range(4)]
    # the segmenter runs the cls token through its blocks; the detector (ViTDet) does not
    unused = ['norm.bias', 'norm.weight'] if name == 'seg' else ['cls_token', 'norm.bias', 'norm.weight']
    assert sorted(unexpected) == unused
    model = build(name, demo_checkpoint)
    model.init_weights()  # through init_cfg, as the Runner does
    encoder = model.backbone.state_dict()
    for key in set(encoder) & set(saved) - {'pos_embed'}:
        assert torch.equal(encoder[key], saved[key]), key
    assert encoder['pos_embed'].shape == (1, 145, 128)  # 8x8 pretraining grid -> 12x12


def data_options(name: str, canvas_root: Path) -> list:
    """The small generated canvases, in-process loading."""
    options = []
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        options += [f'{loader}.dataset.data_root={canvas_root}', f'{loader}.num_workers=0',
                    f'{loader}.persistent_workers=False']
    if name == 'det':
        ann_file = canvas_root / 'annotations' / 'instances_validation.json'
        options += [f'{evaluator}.ann_file={ann_file}'
                    for evaluator in ('val_evaluator', 'test_evaluator')]
    return options


@pytest.mark.parametrize('name', list(CONFIGS))
def test_train_a_few_iterations_then_evaluate(name, tmp_path, canvas_root, demo_checkpoint):
    options = data_options(name, canvas_root)
    runner = train_tool.main([
        str(CONFIGS[name]), '--work-dir', str(tmp_path), '--cfg-options', *options,
        'train_cfg.max_iters=2', 'train_cfg.val_interval=2', 'default_hooks.checkpoint.interval=2',
        f'model.backbone.init_cfg.checkpoint={demo_checkpoint}'])
    assert runner.iter == 2
    metrics = test_tool.main([str(CONFIGS[name]), str(tmp_path / 'iter_2.pth'),
                              '--work-dir', str(tmp_path / 'test'), '--cfg-options', *options])
    assert METRICS[name] <= set(metrics)
    assert all(0 <= metrics[key] <= 100 for key in METRICS[name])
