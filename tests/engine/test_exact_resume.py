"""A killed run resumes exactly: same final weights and losses as an uninterrupted run, with or
without (persistent) data loader workers, and the number of workers changes nothing."""
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from _helpers import logged_by_step
from conftest import DEMO_CONFIG, ROOT

from mmmae.engine import load_checkpoint_file

EPOCHS, ITERS_PER_EPOCH = 3, 4


def train(work_dir: Path, mnist_root: Path, *extra: str, fault: str = '', workers: int = 0,
          persistent: bool = False) -> subprocess.CompletedProcess:
    """tools/train.py on 256 digits (4 iterations an epoch), one thread, in its own process.

    ``fault``: the arguments of a ``KillHook`` to add, e.g. ``after_iter=6``; ``workers`` and
    ``persistent``: the train loader's ``num_workers`` and ``persistent_workers``.
    """
    config = work_dir.parent / f'{work_dir.name}_config.py'  # the demo config + the fault hook
    config.write_text(f"_base_ = [{str(DEMO_CONFIG)!r}]\n"
                      "custom_imports = dict(imports=['_fault_hook'], allow_failed_imports=False)\n"
                      f"custom_hooks = [dict(type='KillHook', {fault})]\n" if fault else
                      f"_base_ = [{str(DEMO_CONFIG)!r}]\n")
    cmd = [sys.executable, str(ROOT / 'tools' / 'train.py'), str(config), '--work-dir',
           str(work_dir), '--no-validate', *extra, '--cfg-options',
           f'train_dataloader.dataset.data_root={mnist_root}', 'train_dataloader.dataset.indices=256',
           f'train_dataloader.num_workers={workers}', f'train_dataloader.persistent_workers={persistent}',
           f'train_cfg.max_epochs={EPOCHS}', 'default_hooks.logger.interval=1',
           'default_hooks.checkpoint.interval=1']
    env = dict(os.environ, OMP_NUM_THREADS='1', PYTHONPATH=str(ROOT / 'tests'))
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope='module')
def reference(tmp_path_factory, mnist_root) -> Path:
    work = tmp_path_factory.mktemp('uninterrupted')
    proc = train(work, mnist_root)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return work


def assert_same_run(work_dir: Path, reference: Path) -> None:
    """Bit-identical final weights and optimizer state, and the same loss at every step."""
    final = load_checkpoint_file(work_dir / f'epoch_{EPOCHS}.pth')
    expected = load_checkpoint_file(reference / f'epoch_{EPOCHS}.pth')
    assert final['meta']['iter'] == EPOCHS * ITERS_PER_EPOCH
    for key, value in expected['state_dict'].items():
        assert torch.equal(final['state_dict'][key], value), key
    for index, state in expected['optimizer']['state'].items():
        assert torch.equal(final['optimizer']['state'][index]['exp_avg_sq'], state['exp_avg_sq'])
    assert logged_by_step(work_dir, 'loss') == logged_by_step(reference, 'loss')
    assert len(logged_by_step(reference, 'loss')) == EPOCHS * ITERS_PER_EPOCH


@pytest.mark.parametrize('fault', ['after_iter=6', "during_save='epoch_2.pth'"])
def test_killed_run_resumes_bit_exact(tmp_path, mnist_root, reference, fault):
    killed = train(tmp_path, mnist_root, fault=fault)
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-3000:]
    # the interrupted save left no epoch_2.pth, and the pointer names the complete epoch 1
    assert not (tmp_path / 'epoch_2.pth').exists()
    assert (tmp_path / 'last_checkpoint').read_text().strip() == str(tmp_path / 'epoch_1.pth')
    resumed = train(tmp_path, mnist_root, '--resume')
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert_same_run(tmp_path, reference)


def test_killed_run_with_persistent_workers_resumes_bit_exact(tmp_path, mnist_root, reference):
    """Two persistent workers, killed mid-epoch 2: the augmentations of the resumed epochs are
    those of the uninterrupted run, which are those of a run without workers."""
    killed = train(tmp_path, mnist_root, fault='after_iter=6', workers=2, persistent=True)
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-3000:]
    resumed = train(tmp_path, mnist_root, '--resume', workers=2, persistent=True)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert_same_run(tmp_path, reference)


@pytest.mark.parametrize('workers,persistent', [(2, True), (4, False)])
def test_the_number_of_workers_changes_nothing(tmp_path, mnist_root, reference, workers, persistent):
    proc = train(tmp_path, mnist_root, workers=workers, persistent=persistent)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert_same_run(tmp_path, reference)


def test_without_random_states_the_resumed_run_differs(tmp_path, mnist_root, reference):
    """The control: the same kill, then a resume from a checkpoint without RNG states."""
    assert train(tmp_path, mnist_root, fault='after_iter=6').returncode == -signal.SIGKILL
    checkpoint = load_checkpoint_file(tmp_path / 'epoch_1.pth')
    del checkpoint['random_states']  # as mmengine's own checkpoints are
    torch.save(checkpoint, tmp_path / 'epoch_1.pth')
    resumed = train(tmp_path, mnist_root, '--resume')
    assert resumed.returncode == 0 and 'checkpoint has no random states' in resumed.stdout
    final = load_checkpoint_file(tmp_path / f'epoch_{EPOCHS}.pth')['state_dict']
    expected = load_checkpoint_file(reference / f'epoch_{EPOCHS}.pth')['state_dict']
    assert not torch.equal(final['backbone.cls_token'], expected['backbone.cls_token'])
