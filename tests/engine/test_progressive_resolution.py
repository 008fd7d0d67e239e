"""Progressive resolution: stages of crop size, batch, lr and mask ratio; the schedule stays a
function of the epoch, and a run killed after a change of size resumes bit-exact."""
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from _helpers import logged_by_step
from conftest import DEMO_CONFIG, ROOT

from mmmae.engine import ProgressiveResolutionHook, load_checkpoint_file

# 256 digits: 4 iterations an epoch at the config's batch 64, 2 at the first stage's 128
EPOCHS = 4
STAGES = ("[dict(begin=0, img_size=16, batch_size=128, lr_mult=2.0, mask_ratio=0.5), "
          "dict(begin=2, img_size=32)]")


def train(work_dir: Path, mnist_root: Path, *extra: str, fault: str = '', stages: str = STAGES,
          schedule: str = '') -> subprocess.CompletedProcess:
    """tools/train.py of the demo config with ``stages`` (and a ``KillHook(fault)``), one
    thread, in its own process; ``schedule``: config text replacing the schedule."""
    hooks = [f'dict(type="ProgressiveResolutionHook", stages={stages})']
    if fault:
        hooks.append(f'dict(type="KillHook", {fault})')
    config = work_dir.parent / f'{work_dir.name}_config.py'
    config.write_text(f"_base_ = [{str(DEMO_CONFIG)!r}]\n"
                      "custom_imports = dict(imports=['_fault_hook'], allow_failed_imports=False)\n"
                      f"custom_hooks = [{', '.join(hooks)}]\n{schedule}")
    cmd = [sys.executable, str(ROOT / 'tools' / 'train.py'), str(config), '--work-dir',
           str(work_dir), '--no-validate', *extra, '--cfg-options',
           f'train_dataloader.dataset.data_root={mnist_root}', 'train_dataloader.dataset.indices=256',
           'train_dataloader.num_workers=0', 'train_dataloader.persistent_workers=False',
           f'train_cfg.max_epochs={EPOCHS}', 'default_hooks.logger.interval=1',
           'default_hooks.checkpoint.interval=1']
    env = dict(os.environ, OMP_NUM_THREADS='1', PYTHONPATH=str(ROOT / 'tests'))
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope='module')
def reference(tmp_path_factory, mnist_root) -> Path:
    work = tmp_path_factory.mktemp('progressive')
    proc = train(work, mnist_root)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return work


def test_stages_set_crop_batch_lr_and_mask(reference, tmp_path, mnist_root):
    log = next(reference.glob('*/*.log')).read_text()
    assert re.search(r'from epoch 0: 16 px crops, batch 128, 2 iterations per epoch, lr x 2.0, '
                     r'mask ratio 0.5', log)
    assert re.search(r'from epoch 2: 32 px crops, batch 64, 4 iterations per epoch, lr x 1.0, '
                     r'mask ratio 0.75', log)
    final = load_checkpoint_file(reference / f'epoch_{EPOCHS}.pth')
    assert final['meta']['iter'] == 2 * 2 + 2 * 4
    # the checkpoint holds the full-size position tables
    assert final['state_dict']['backbone.pos_embed'].shape == (1, 1 + 64, 128)

    # the same schedule at a fixed size and batch: each epoch ends at the same lr, and the lr
    # of the first stage is twice the fixed run's at the same point of the epoch
    fixed = tmp_path / 'fixed'
    proc = train(fixed, mnist_root, stages='[dict(begin=0, img_size=32)]')
    assert proc.returncode == 0, proc.stderr[-3000:]
    staged, plain = logged_by_step(reference, 'lr'), logged_by_step(fixed, 'lr')
    assert len(plain) == EPOCHS * 4 and len(staged) == 2 * 2 + 2 * 4
    # the lr logged at the first iteration of each epoch
    for epoch, (staged_step, plain_step, mult) in enumerate([(1, 1, 2), (3, 5, 2), (5, 9, 1), (9, 13, 1)]):
        assert staged[staged_step] == pytest.approx(mult * plain[plain_step], rel=1e-6), epoch
    assert staged[12] == pytest.approx(plain[16], rel=1e-6)


def test_killed_after_a_change_of_size_resumes_bit_exact(reference, tmp_path, mnist_root):
    killed = train(tmp_path, mnist_root, fault='after_iter=6')  # in epoch 2, the first at 32 px
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-3000:]
    resumed = train(tmp_path, mnist_root, '--resume')
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    final = load_checkpoint_file(tmp_path / f'epoch_{EPOCHS}.pth')
    expected = load_checkpoint_file(reference / f'epoch_{EPOCHS}.pth')
    for key, value in expected['state_dict'].items():
        assert torch.equal(final['state_dict'][key], value), key
    for index, state in expected['optimizer']['state'].items():
        assert torch.equal(final['optimizer']['state'][index]['exp_avg'], state['exp_avg'])
    assert final['optimizer']['param_groups'][0]['lr'] == expected['optimizer']['param_groups'][0]['lr']
    assert logged_by_step(tmp_path, 'loss') == logged_by_step(reference, 'loss')


def test_stage_errors_name_the_fix(tmp_path, mnist_root):
    with pytest.raises(ValueError, match='begin at epoch 0'):
        ProgressiveResolutionHook([dict(begin=2, img_size=16)])
    proc = train(tmp_path / 'small', mnist_root, stages='[dict(begin=0, img_size=16, batch_size=32)]')
    assert proc.returncode != 0
    assert 'set train_dataloader.batch_size to the smallest stage batch' in proc.stderr
    proc = train(tmp_path / 'odd', mnist_root, stages='[dict(begin=0, img_size=18)]')
    assert proc.returncode != 0 and 'not a multiple of the patch size 4' in proc.stderr
    no_crop = "train_pipeline = [dict(type='LoadImage'), dict(type='PackInputs')]\n" \
              "train_dataloader = dict(dataset=dict(pipeline=train_pipeline))\n"
    proc = train(tmp_path / 'nocrop', mnist_root, schedule=no_crop)
    assert proc.returncode != 0 and 'found no transform setting the crop size' in proc.stderr
