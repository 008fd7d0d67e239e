"""SkipNonFiniteOptimWrapper: a NaN loss drops that step on every rank, counted; training goes on."""
import json
import os
import subprocess
import sys
from pathlib import Path

import torch
from conftest import DEMO_CONFIG, ROOT

from mmmae.engine import load_checkpoint_file

OPTIONS = ['train_dataloader.dataset.indices=256', 'train_dataloader.num_workers=0',
           'train_dataloader.persistent_workers=False', 'train_cfg.max_epochs=2',
           'default_hooks.logger.interval=1', 'optim_wrapper.type=SkipNonFiniteOptimWrapper']


def run(tmp_path: Path, mnist_root: Path, processes: int, hook: str) -> Path:
    config = tmp_path / 'nan_demo.py'
    config.write_text(f"_base_ = '{DEMO_CONFIG}'\n"
                      "custom_imports = dict(imports=['_fault_hook', '_rank_state_hook'],"
                      " allow_failed_imports=False)\n"
                      f"custom_hooks = [dict(type='NaNLossHook', {hook}), dict(type='RankStateDumpHook')]\n")
    work = tmp_path / 'work'
    launch = ['bash', str(ROOT / 'tools' / 'dist_train.sh'), str(config), str(processes)] \
        if processes > 1 else [sys.executable, str(ROOT / 'tools' / 'train.py'), str(config)]
    env = dict(os.environ, PYTHON=sys.executable, OMP_NUM_THREADS='1', PORT='29631',
               PYTHONPATH=str(ROOT / 'tests'))
    proc = subprocess.run([*launch, '--work-dir', str(work), '--cfg-options',
                           f'train_dataloader.dataset.data_root={mnist_root}', *OPTIONS],
                          env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    return work


def adam_steps(work: Path) -> set:
    state = load_checkpoint_file(work / 'epoch_2.pth')['optimizer']['state']
    return {int(s['step']) for s in state.values()}


def test_nan_steps_are_skipped_and_counted(tmp_path, mnist_root):
    work = run(tmp_path, mnist_root, 1, 'at_iters=[3, 6]')
    assert adam_steps(work) == {8 - 2}  # 8 iterations, 2 without an update
    scalars = next(work.glob('*/vis_data/scalars.json'))
    records = [json.loads(line) for line in scalars.read_text().splitlines()]
    assert max(r.get('skipped_steps', 0) for r in records) == 2
    weights = load_checkpoint_file(work / 'epoch_2.pth')['state_dict']
    assert all(value.isfinite().all() for value in weights.values())


def test_a_nan_on_one_rank_skips_the_step_on_both(tmp_path, mnist_root):
    work = run(tmp_path, mnist_root, 2, 'at_iters=[2], rank=1')
    assert adam_steps(work) == {4 - 1}  # 2 ranks x 128 images: 4 iterations, 1 skipped
    rank0, rank1 = (torch.load(work / f'rank{r}_state.pt') for r in (0, 1))
    assert all(torch.equal(rank0[k], rank1[k]) for k in rank0)
