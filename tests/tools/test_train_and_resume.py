"""tools/train.py on the demo config: trains, checkpoints, resumes on torch >= 2.6."""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch
from conftest import DEMO_CONFIG, ROOT, load_tool

from mmmae.engine import CheckpointLoadError, load_checkpoint_file

train_tool = load_tool('train')


def demo_args(work_dir: Path, mnist_root: Path, epochs: int, *extra: str) -> list:
    """The demo config on 256 training digits (4 iterations an epoch)."""
    return [str(DEMO_CONFIG), '--work-dir', str(work_dir), *extra, '--cfg-options',
            f'train_dataloader.dataset.data_root={mnist_root}',
            'train_dataloader.dataset.indices=256', 'train_dataloader.num_workers=0',
            'train_dataloader.persistent_workers=False', f'train_cfg.max_epochs={epochs}',
            'default_hooks.checkpoint.interval=1', 'default_hooks.logger.interval=1']


def logged(work_dir: Path, key: str) -> list:
    """Values of ``key`` in the scalars.json of every run in ``work_dir``, in step order."""
    records = [json.loads(line) for path in work_dir.glob('*/vis_data/scalars.json')
               for line in path.read_text().splitlines()]
    return [r[key] for r in sorted(records, key=lambda r: r['step']) if key in r]


def test_demo_config_trains_and_the_loss_falls(tmp_path, mnist_root):
    runner = train_tool.main(demo_args(tmp_path, mnist_root, 3))
    losses = runner.message_hub.get_scalar('train/loss').data[0]
    assert len(losses) == 12
    assert losses[-3:].mean() < losses[:3].mean()
    checkpoint = load_checkpoint_file(tmp_path / 'epoch_3.pth')
    assert checkpoint['meta']['epoch'] == 3 and checkpoint['meta']['iter'] == 12
    assert (tmp_path / 'last_checkpoint').read_text().strip().endswith('epoch_3.pth')


def test_resume_restores_model_optimizer_scheduler_and_iteration(tmp_path, mnist_root):
    train_tool.main(demo_args(tmp_path, mnist_root, 1))  # a run that stopped after epoch 1
    saved = load_checkpoint_file(tmp_path / 'epoch_1.pth')
    # resuming with nothing left to train leaves exactly what was restored
    restored = train_tool.main(demo_args(tmp_path, mnist_root, 1, '--resume'))
    assert restored.iter == 4 and restored.epoch == 1
    for key, value in restored.model.state_dict().items():
        assert torch.equal(value, saved['state_dict'][key]), key
    their_state = saved['optimizer']['state']
    for index, state in restored.optim_wrapper.state_dict()['state'].items():
        assert torch.equal(state['exp_avg'], their_state[index]['exp_avg'])
    # and training goes on from there
    runner = train_tool.main(demo_args(tmp_path, mnist_root, 2, '--resume'))
    assert runner.iter == 8 and runner.epoch == 2
    resumed = load_checkpoint_file(tmp_path / 'epoch_2.pth')
    assert all(int(s['step']) == 8 for s in resumed['optimizer']['state'].values())
    # the warm-up goes on where it stopped instead of starting again from 1e-3 x lr
    lrs = logged(tmp_path, 'lr')
    assert len(lrs) == 8 and lrs[4] > lrs[3] > 100 * lrs[0]


def test_resume_from_an_explicit_path(tmp_path, mnist_root):
    train_tool.main(demo_args(tmp_path / 'a', mnist_root, 1))
    runner = train_tool.main(demo_args(tmp_path / 'b', mnist_root, 2, '--resume',
                                       str(tmp_path / 'a' / 'epoch_1.pth')))
    assert runner.iter == 8
    first = load_checkpoint_file(tmp_path / 'a' / 'epoch_1.pth')['state_dict']
    assert not torch.equal(first['backbone.cls_token'], runner.model.backbone.cls_token.detach())


def test_a_killed_run_resumes_from_its_last_checkpoint(tmp_path, mnist_root):
    """Kill -9 a training process after its first checkpoint, then --resume finishes the run."""
    work = tmp_path / 'work'
    cmd = [sys.executable, str(ROOT / 'tools' / 'train.py'),
           *demo_args(work, mnist_root, 30)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env=dict(os.environ, OMP_NUM_THREADS='1'))
    try:
        deadline = time.time() + 300
        pointer = work / 'last_checkpoint'  # written once a checkpoint is complete
        while not pointer.exists() and time.time() < deadline and proc.poll() is None:
            time.sleep(0.2)
        assert pointer.exists(), 'training never finished its first checkpoint'
        time.sleep(0.5)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    last = (work / 'last_checkpoint').read_text().strip()
    done_epoch = int(Path(last).stem.split('_')[1])
    assert done_epoch < 30
    runner = train_tool.main(demo_args(work, mnist_root, done_epoch + 1, '--resume'))
    assert runner.epoch == done_epoch + 1 and runner.iter == 4 * (done_epoch + 1)


def test_resuming_with_another_arch_names_the_shapes_that_differ(tmp_path, mnist_root):
    train_tool.main(demo_args(tmp_path, mnist_root, 1))
    with pytest.raises(CheckpointLoadError) as err:  # a wider decoder than the checkpoint's
        train_tool.main(demo_args(tmp_path, mnist_root, 2, '--resume') + ['model.neck.decoder_embed_dim=96'])
    message = str(err.value)
    assert 'epoch_1.pth does not fit the model of this config' in message
    assert 'neck.mask_token: checkpoint (1, 1, 64), model (1, 1, 96)' in message
