"""FSDP through tools/dist_train.sh on 2 gloo CPU ranks: DDP's losses, exact resume after
SIGKILL, resume on 1 rank from 2 ranks' shards, consolidation for the converters, and clear
errors for the settings that do not go together."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from _dist import FSDP_CONFIG, assert_ok, dist_train, logged_losses, with_hook
from conftest import DEMO_CONFIG, ROOT

from mmmae.engine import checkpoint_problem, latest_good_checkpoint, load_checkpoint_file
from mmmae.engine.sharded_checkpoint import consolidate


def assert_same_training_state(resumed: dict, straight: dict) -> None:
    """Two consolidated checkpoints hold the same weights and AdamW states, bit for bit."""
    assert resumed['state_dict'].keys() == straight['state_dict'].keys()
    for key, value in straight['state_dict'].items():
        assert torch.equal(resumed['state_dict'][key], value), key
    for name, state in straight['optimizer']['state'].items():
        for key, value in state.items():
            assert torch.equal(resumed['optimizer']['state'][name][key], value), (name, key)


@pytest.fixture(scope='module')
def fsdp_run(tmp_path_factory, mnist_root) -> Path:
    """4 epochs (16 steps) of the FSDP demo on 2 ranks, a sharded checkpoint each epoch."""
    work = tmp_path_factory.mktemp('fsdp') / 'work'
    assert_ok(dist_train(FSDP_CONFIG, work, mnist_root, 4, port=29641))
    return work


def test_fsdp_gives_ddps_losses(fsdp_run, tmp_path, mnist_root):
    ddp = tmp_path / 'ddp'
    assert_ok(dist_train(DEMO_CONFIG, ddp, mnist_root, 4, port=29643))
    ours, theirs = logged_losses(fsdp_run), logged_losses(ddp)
    assert len(ours) == len(theirs) == 16
    for (step, loss), (their_step, their_loss) in zip(ours, theirs):
        assert step == their_step and abs(loss - their_loss) <= 1e-5, (step, loss, their_loss)


def test_checkpoints_are_complete_shard_directories(fsdp_run):
    checkpoint = fsdp_run / 'epoch_4.pth'
    assert checkpoint.is_dir() and checkpoint_problem(checkpoint) is None
    assert sorted(p.name for p in checkpoint.iterdir()) == ['.metadata', '__0_0.distcp', '__1_0.distcp',
                                                             'extra.pth']
    assert not list(fsdp_run.glob('*.partial'))
    (fsdp_run / 'broken.pth').mkdir()  # a save killed before its metadata
    assert 'without its .metadata' in checkpoint_problem(fsdp_run / 'broken.pth')
    (fsdp_run / 'broken.pth').rmdir()
    with pytest.raises(RuntimeError, match='consolidate_checkpoint.py'):
        load_checkpoint_file(checkpoint)


def test_a_killed_run_resumes_bit_exact(fsdp_run, tmp_path, mnist_root):
    work = tmp_path / 'killed'
    config = with_hook(tmp_path, '_fault_hook', "dict(type='KillHook', after_iter=10)")
    killed = dist_train(config, work, mnist_root, 4, port=29645)
    assert killed.returncode != 0 and 'Signal 9 (SIGKILL)' in killed.stderr
    assert (work / 'last_checkpoint').read_text().strip().endswith('epoch_2.pth')
    log = assert_ok(dist_train(FSDP_CONFIG, work, mnist_root, 4, '--resume', port=29645))
    assert 'resumed epoch: 2, iter: 8' in log
    resumed = consolidate(work / 'epoch_4.pth', tmp_path / 'resumed.pth', with_optimizer=True)
    straight = consolidate(fsdp_run / 'epoch_4.pth', tmp_path / 'straight.pth', with_optimizer=True)
    resumed, straight = load_checkpoint_file(resumed), load_checkpoint_file(straight)
    assert_same_training_state(resumed, straight)


def test_two_ranks_shards_resume_on_one_rank(fsdp_run, tmp_path, mnist_root):
    work = tmp_path / 'one'
    start = fsdp_run / 'epoch_3.pth'  # the demo keeps the last two
    config = with_hook(tmp_path, '_fsdp_state_hook', "dict(type='FullStateDumpHook')")
    log = assert_ok(dist_train(config, work, mnist_root, 4, '--resume', str(start), ranks=1, batch=64,
                               port=29647))
    assert 'resumed epoch: 3, iter: 12' in log and 'Epoch(train) [4][4/4]' in log
    loaded = torch.load(work / 'start_state.pt')
    saved = load_checkpoint_file(consolidate(start, tmp_path / 'epoch_3.pth', with_optimizer=True))
    assert loaded['iter'] == 12 and loaded['model'].keys() == saved['state_dict'].keys()
    for key, value in saved['state_dict'].items():
        assert torch.equal(loaded['model'][key], value), key
    steps = {state['step'].item() for state in loaded['optimizer']['state'].values()}
    assert steps == {12.0}
    for name, state in saved['optimizer']['state'].items():
        assert torch.equal(loaded['optimizer']['state'][name]['exp_avg'], state['exp_avg']), name


def test_consolidated_checkpoint_converts_to_timm_and_verifies(fsdp_run, tmp_path):
    out = tmp_path / 'consolidated.pth'
    tools = ROOT / 'tools' / 'model_converters'
    proc = subprocess.run([sys.executable, str(tools / 'consolidate_checkpoint.py'),
                           str(fsdp_run / 'epoch_4.pth'), str(out)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    checkpoint = load_checkpoint_file(out)
    assert 'optimizer' not in checkpoint and checkpoint['meta']['epoch'] == 4
    assert checkpoint['state_dict']['backbone.cls_token'].shape == (1, 1, 128)
    proc = subprocess.run([sys.executable, str(tools / 'mmmae2timm.py'),
                           str(out), str(tmp_path / 'timm.pth'), '--verify'], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert 'verify: max |mmmae - timm|' in proc.stdout


def test_auto_resume_passes_over_a_sharded_checkpoint_without_metadata(fsdp_run, tmp_path):
    work = tmp_path / 'work'
    shutil.copytree(fsdp_run, work)
    (work / 'last_checkpoint').write_text(str(work / 'epoch_4.pth'))
    (work / 'epoch_4.pth' / '.metadata').unlink()  # killed before DCP wrote its index
    assert latest_good_checkpoint(work) == str(work / 'epoch_3.pth')


def test_full_format_checkpoints_are_ddp_files_and_resume_bit_exact(fsdp_run, tmp_path, mnist_root):
    """One file on rank 0 in DDP's layout; a resume from it restores the exact weights and AdamW
    moments and ends where the uninterrupted (sharded) run ends, bit for bit."""
    work = tmp_path / 'full'
    full = ('strategy.checkpoint_format=full',)
    assert_ok(dist_train(FSDP_CONFIG, work, mnist_root, 2, port=29649, options=full))
    checkpoint = load_checkpoint_file(work / 'epoch_2.pth')
    assert checkpoint['meta']['epoch'] == 2 and 'random_states' in checkpoint
    config = with_hook(tmp_path, '_fsdp_state_hook', "dict(type='FullStateDumpHook')")
    log = assert_ok(dist_train(config, work, mnist_root, 4, '--resume', port=29649, options=full))
    assert 'resumed epoch: 2, iter: 8' in log and (work / 'epoch_4.pth').is_file()
    loaded = torch.load(work / 'start_state.pt')
    for key, value in checkpoint['state_dict'].items():
        assert torch.equal(loaded['model'][key], value), key
    for name, state in checkpoint['optimizer']['state'].items():
        for key, value in state.items():
            assert torch.equal(loaded['optimizer']['state'][name][key], value), (name, key)
    resumed = load_checkpoint_file(work / 'epoch_4.pth')
    straight = load_checkpoint_file(consolidate(fsdp_run / 'epoch_4.pth', tmp_path / 's.pth',
                                                with_optimizer=True))
    assert_same_training_state(resumed, straight)
