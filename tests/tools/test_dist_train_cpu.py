"""tools/dist_train.sh CONFIG 2 on a machine without GPUs: two gloo processes stay in sync."""
import os
import subprocess
import sys
from pathlib import Path

import torch
from conftest import DEMO_CONFIG, ROOT


def test_two_cpu_processes_train_in_sync(tmp_path, mnist_root):
    config = tmp_path / 'ddp_demo.py'
    config.write_text(
        f"_base_ = '{DEMO_CONFIG}'\n"
        "custom_imports = dict(imports=['_rank_state_hook'], allow_failed_imports=False)\n"
        "custom_hooks = [dict(type='RankStateDumpHook')]\n")
    env = dict(os.environ, PYTHON=sys.executable, OMP_NUM_THREADS='1', PORT='29617',
               PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    cmd = ['bash', str(ROOT / 'tools' / 'dist_train.sh'), str(config), '2',
           '--work-dir', str(tmp_path / 'work'), '--cfg-options',
           f'train_dataloader.dataset.data_root={mnist_root}',
           'train_dataloader.dataset.indices=256', 'train_dataloader.num_workers=0',
           'train_dataloader.persistent_workers=False', 'train_cfg.max_epochs=2']
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    log = proc.stdout + proc.stderr
    assert 'Distributed launcher: pytorch' in log or 'distributed' in log.lower()
    rank0 = torch.load(tmp_path / 'work' / 'rank0_state.pt')
    rank1 = torch.load(tmp_path / 'work' / 'rank1_state.pt')
    assert rank0.keys() == rank1.keys()
    for key in rank0:
        assert torch.equal(rank0[key], rank1[key]), key
    # each of the 2 ranks sees 128 of the 256 images: 2 iterations an epoch at batch 64
    assert (tmp_path / 'work' / 'epoch_2.pth').exists()
    assert 'Epoch(train) [2][2/2]' in log
