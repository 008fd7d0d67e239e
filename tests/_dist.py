"""Test-only: training runs of several CPU ranks through tools/dist_train.sh (gloo)."""
import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

FSDP_CONFIG = ROOT / 'configs' / 'mae' / 'mae_vit-demo-p4_2xb32-fsdp-coslr-20e_mnist5k.py'
TESTS = Path(__file__).resolve().parent


def dist_train(config: Path, work: Path, mnist_root: Path, epochs: int, *extra: str, ranks: int = 2,
               port: int, batch: int = 32, options: tuple = ()) -> subprocess.CompletedProcess:
    """``ranks`` CPU processes of ``config`` on 256 digits, ``batch`` a rank, logging each step."""
    env = dict(os.environ, PYTHON=sys.executable, OMP_NUM_THREADS='1', PORT=str(port),
               PYTHONPATH=str(TESTS))
    cmd = ['bash', str(ROOT / 'tools' / 'dist_train.sh'), str(config), str(ranks), '--work-dir', str(work),
           *extra, '--cfg-options', f'train_dataloader.dataset.data_root={mnist_root}',
           'train_dataloader.dataset.indices=256', 'train_dataloader.num_workers=0',
           'train_dataloader.persistent_workers=False', f'train_dataloader.batch_size={batch}',
           f'train_cfg.max_epochs={epochs}', 'default_hooks.checkpoint.interval=1',
           'default_hooks.logger.interval=1', *options]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)


def with_hook(tmp_path: Path, module: str, hook: str) -> Path:
    """The FSDP demo config with the test hook ``hook`` (from tests/``module``.py) added."""
    config = tmp_path / f'{module}.py'
    config.write_text(f"_base_ = '{FSDP_CONFIG}'\n"
                      f"custom_imports = dict(imports=['{module}'], allow_failed_imports=False)\n"
                      f"custom_hooks = [{hook}]\n")
    return config


def logged_losses(work: Path) -> list:
    lines = [json.loads(line) for path in sorted(work.glob('*/vis_data/scalars.json'))
             for line in path.read_text().splitlines()]
    return [(record['step'], record['loss']) for record in lines if 'loss' in record]


def assert_ok(proc: subprocess.CompletedProcess) -> str:
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc.stdout + proc.stderr
