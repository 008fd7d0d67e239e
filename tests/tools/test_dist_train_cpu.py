"""tools/dist_train.sh CONFIG 2 on a machine without GPUs: two gloo processes stay in sync."""
import os
import subprocess
import sys
import time
from pathlib import Path

import torch
from conftest import DEMO_CONFIG, ROOT

from mmmae.engine import load_checkpoint_file


def dist_train(config: Path, work: Path, mnist_root: Path, epochs: int, *extra: str,
               port: int) -> subprocess.CompletedProcess:
    """Two CPU processes of ``config`` on 256 digits (each rank 128: 2 iterations an epoch)."""
    env = dict(os.environ, PYTHON=sys.executable, OMP_NUM_THREADS='1', PORT=str(port),
               PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    cmd = ['bash', str(ROOT / 'tools' / 'dist_train.sh'), str(config), '2', '--work-dir', str(work),
           *extra, '--cfg-options', f'train_dataloader.dataset.data_root={mnist_root}',
           'train_dataloader.dataset.indices=256', 'train_dataloader.num_workers=0',
           'train_dataloader.persistent_workers=False', f'train_cfg.max_epochs={epochs}',
           'default_hooks.checkpoint.interval=1']
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)


def test_two_cpu_processes_train_in_sync(tmp_path, mnist_root):
    config = tmp_path / 'ddp_demo.py'
    config.write_text(
        f"_base_ = '{DEMO_CONFIG}'\n"
        "custom_imports = dict(imports=['_rank_state_hook'], allow_failed_imports=False)\n"
        "custom_hooks = [dict(type='RankStateDumpHook')]\n")
    proc = dist_train(config, tmp_path / 'work', mnist_root, 2, port=29617)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    log = proc.stdout + proc.stderr
    assert 'Distributed launcher: pytorch' in log or 'distributed' in log.lower()
    rank0 = torch.load(tmp_path / 'work' / 'rank0_state.pt')
    rank1 = torch.load(tmp_path / 'work' / 'rank1_state.pt')
    assert rank0.keys() == rank1.keys()
    for key in rank0:
        assert torch.equal(rank0[key], rank1[key]), key
    assert (tmp_path / 'work' / 'epoch_2.pth').exists()
    assert 'Epoch(train) [2][2/2]' in log


def test_a_killed_worker_fails_the_job_fast_and_both_resume(tmp_path, mnist_root):
    """Kill -9 rank 1 mid-run: the launcher stops rank 0 instead of hanging; --resume finishes."""
    config = tmp_path / 'ddp_kill.py'
    config.write_text(
        f"_base_ = '{DEMO_CONFIG}'\n"
        "custom_imports = dict(imports=['_fault_hook'], allow_failed_imports=False)\n"
        "custom_hooks = [dict(type='KillHook', after_iter=5, rank=1)]\n")
    work = tmp_path / 'work'
    start = time.time()
    failed = dist_train(config, work, mnist_root, 4, port=29623)
    assert failed.returncode != 0 and time.time() - start < 120
    assert 'local_rank: 1' in failed.stderr and 'Signal 9 (SIGKILL)' in failed.stderr
    assert (work / 'last_checkpoint').read_text().strip().endswith('epoch_2.pth')
    config.write_text(f"_base_ = '{DEMO_CONFIG}'\n")  # the fault is gone on the second try
    resumed = dist_train(config, work, mnist_root, 4, '--resume', port=29623)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert 'Epoch(train) [3][2/2]' in resumed.stdout + resumed.stderr
    assert load_checkpoint_file(work / 'epoch_4.pth')['meta']['iter'] == 8
