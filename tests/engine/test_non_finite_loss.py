"""A NaN loss stops training before it is checkpointed, and names the checkpoint to resume."""
import pytest
from conftest import DEMO_CONFIG, load_tool

from mmmae.engine import NonFiniteLossError, load_checkpoint_file

train_tool = load_tool('train')


def test_nan_loss_stops_with_iteration_and_last_good_checkpoint(tmp_path, mnist_root):
    config = tmp_path / 'poisoned.py'
    config.write_text(f"_base_ = [{str(DEMO_CONFIG)!r}]\n"
                      "custom_imports = dict(imports=['_fault_hook'], allow_failed_imports=False)\n"
                      "custom_hooks = [dict(type='PoisonWeightsHook', after_iter=6)]\n")
    work = tmp_path / 'work'
    with pytest.raises(NonFiniteLossError) as err:
        train_tool.main([str(config), '--work-dir', str(work), '--no-validate', '--cfg-options',
                         f'train_dataloader.dataset.data_root={mnist_root}',
                         'train_dataloader.dataset.indices=256', 'train_dataloader.num_workers=0',
                         'train_dataloader.persistent_workers=False', 'train_cfg.max_epochs=3',
                         'default_hooks.checkpoint.interval=1'])
    message = str(err.value)
    assert 'loss is nan at iteration 7 (epoch 2)' in message
    assert f'--resume {work / "epoch_1.pth"}' in message and 'clip_grad' in message
    assert sorted(p.name for p in work.glob('*.pth')) == ['epoch_1.pth']  # nothing NaN was saved
    weights = load_checkpoint_file(work / 'epoch_1.pth')['state_dict']
    assert all(value.isfinite().all() for value in weights.values())
