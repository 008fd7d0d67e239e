"""The MNIST demo's linear-probe and fine-tuning configs load a pretraining checkpoint and train."""
import importlib.util
from pathlib import Path

import pytest
import torch
from conftest import DEMO_CONFIG, ROOT, load_tool
from mmengine.config import Config

from mmmae.engine import load_checkpoint_file
from mmmae.registry import MODELS

train_tool = load_tool('train')
test_tool = load_tool('test')

BENCH = ROOT / 'configs' / 'mae' / 'benchmarks'
CONFIGS = {'linear': BENCH / 'vit-demo-p4_mae-pre_1xb64-linear-coslr-20e_mnist5k.py',
           'finetune': BENCH / 'vit-demo-p4_mae-pre_1xb64-coslr-20e_mnist5k.py'}


def subset_options(mnist_root: Path) -> list:
    options = ['train_dataloader.dataset.indices=256', 'val_dataloader.dataset.indices=100',
               'test_dataloader.dataset.indices=100', 'train_cfg.max_epochs=1',
               'train_cfg.val_interval=1', 'default_hooks.logger.interval=1']
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        options += [f'{loader}.dataset.data_root={mnist_root}', f'{loader}.num_workers=0',
                    f'{loader}.persistent_workers=False']
    return options


@pytest.fixture(scope='module')
def pretrained(tmp_path_factory, mnist_root) -> Path:
    work = tmp_path_factory.mktemp('pretrain')
    train_tool.main([str(DEMO_CONFIG), '--work-dir', str(work), '--cfg-options',
                     f'train_dataloader.dataset.data_root={mnist_root}',
                     'train_dataloader.dataset.indices=128', 'train_dataloader.num_workers=0',
                     'train_dataloader.persistent_workers=False', 'train_cfg.max_epochs=1'])
    return work / 'epoch_1.pth'


@pytest.mark.parametrize('name', list(CONFIGS))
def test_encoder_starts_from_the_pretraining_checkpoint(name, pretrained):
    cfg = Config.fromfile(str(CONFIGS[name]))
    cfg.model.backbone.init_cfg.checkpoint = str(pretrained)
    model = MODELS.build(cfg.model)
    model.init_weights()
    saved = load_checkpoint_file(pretrained)['state_dict']
    encoder = model.backbone.state_dict()
    shared = [k for k in encoder if f'backbone.{k}' in saved]
    assert len(shared) >= len(encoder) - 2  # all but fc_norm when global pooling
    for key in shared:
        assert torch.equal(encoder[key], saved[f'backbone.{key}']), key


def test_linear_probe_trains_the_head_and_leaves_the_encoder_bit_identical(tmp_path, pretrained,
                                                                            mnist_root):
    runner = train_tool.main([str(CONFIGS['linear']), '--work-dir', str(tmp_path),
                              '--cfg-options', f'model.backbone.init_cfg.checkpoint={pretrained}',
                              *subset_options(mnist_root)])
    saved = load_checkpoint_file(pretrained)['state_dict']
    for key, value in runner.model.backbone.state_dict().items():
        assert torch.equal(value, saved[f'backbone.{key}']), key
    state = runner.optim_wrapper.optimizer.state
    assert {id(p) for p in state} == {id(p) for p in runner.model.head.parameters()}
    val_top1 = runner.message_hub.get_scalar('val/accuracy/top1').current()
    # tools/test.py on the saved checkpoint reproduces the validation accuracy (same 100 digits)
    spec = importlib.util.spec_from_file_location('test_tool', ROOT / 'tools' / 'test.py')
    test_tool = importlib.util.module_from_spec(spec)  # not `import test`: stdlib has one
    spec.loader.exec_module(test_tool)
    metrics = test_tool.main([str(CONFIGS['linear']), str(tmp_path / 'epoch_1.pth'),
                              '--work-dir', str(tmp_path / 'test'), '--cfg-options',
                              *subset_options(mnist_root)])
    assert metrics['accuracy/top1'] == pytest.approx(val_top1)


def test_fine_tuning_trains_the_whole_encoder_with_layer_decay(tmp_path, pretrained, mnist_root):
    runner = train_tool.main([str(CONFIGS['finetune']), '--work-dir', str(tmp_path),
                              '--cfg-options', f'model.backbone.init_cfg.checkpoint={pretrained}',
                              *subset_options(mnist_root)])
    saved = load_checkpoint_file(pretrained)['state_dict']
    qkv = runner.model.backbone.blocks[0].attn.qkv.weight
    assert not torch.equal(qkv.detach(), saved['backbone.blocks.0.attn.qkv.weight'])
    lrs = {g['layer_id']: g['lr'] for g in runner.optim_wrapper.optimizer.param_groups}
    assert lrs[0] < lrs[1] < lrs[5]  # embeddings < first block < head (4 blocks: ids 0..5)
    assert 0 <= runner.message_hub.get_scalar('val/accuracy/top1').current() <= 100
