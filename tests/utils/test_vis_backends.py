"""Logging backends switched by name: TensorBoard gets the loss curve and the reconstructions."""
import pytest
from conftest import DEMO_CONFIG, load_tool
from mmengine.config import Config

from mmmae.utils.vis_backends import add_vis_backends

train_tool = load_tool('train')


def test_tensorboard_receives_the_loss_curve_and_the_reconstruction_picture(tmp_path, mnist_root):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    train_tool.main([
        str(DEMO_CONFIG), '--work-dir', str(tmp_path), '--vis-backends', 'tensorboard',
        '--cfg-options', f'train_dataloader.dataset.data_root={mnist_root}',
        f'test_dataloader.dataset.data_root={mnist_root}',
        'train_dataloader.dataset.indices=256', 'train_dataloader.num_workers=0',
        'train_dataloader.persistent_workers=False', 'train_cfg.max_epochs=1',
        'default_hooks.logger.interval=1', 'custom_hooks.0.interval=1',
        # its own name: mmengine names the visualizer after the config and the second, so a
        # runner built earlier in the same second would hand back its visualizer
        'experiment_name=vis_backends_tensorboard'])
    event_files = list(tmp_path.glob('*/vis_data/events.out.tfevents.*'))
    assert len(event_files) == 1
    events = EventAccumulator(str(event_files[0].parent)).Reload()
    assert [e.step for e in events.Scalars('loss')] == [1, 2, 3, 4]
    assert 'lr' in events.Tags()['scalars']
    assert events.Tags()['images'], 'the ReconstructionHook picture is missing'
    assert list(tmp_path.glob('*/vis_data/scalars.json')), 'local files are still written'


def test_backends_are_added_once_and_the_local_files_kept():
    cfg = Config(dict(visualizer=dict(type='UniversalVisualizer',
                                      vis_backends=[dict(type='LocalVisBackend')])))
    add_vis_backends(cfg, ['tensorboard', 'tensorboard', 'local'])
    assert [b['type'] for b in cfg.visualizer.vis_backends] == ['LocalVisBackend',
                                                                 'TensorboardVisBackend']


def test_unknown_or_missing_backends_are_named(monkeypatch):
    cfg = Config(dict(visualizer=dict(type='UniversalVisualizer', vis_backends=[])))
    with pytest.raises(ValueError, match=r"unknown logging backend 'tensorbord'.*'tensorboard'"):
        add_vis_backends(cfg, ['tensorbord'])
    monkeypatch.setattr('importlib.util.find_spec', lambda name: None)
    with pytest.raises(ImportError, match=r"'wandb' package: pip install wandb"):
        add_vis_backends(cfg, ['wandb'])
    with pytest.raises(ValueError, match='has no `visualizer`'):
        add_vis_backends(Config(dict()), ['tensorboard'])
