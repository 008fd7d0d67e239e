"""Checkpoints are written atomically, and auto-resume passes over damaged ones."""
import io
import os
import subprocess
import sys

import pytest
import torch
from mmengine.fileio import get_file_backend

from mmmae.engine import (ATOMIC_BACKEND, AtomicLocalBackend, atomic_write, atomic_write_bytes,
                          checkpoint_problem, latest_good_checkpoint)


def save(path, value: float) -> None:
    torch.save(dict(state_dict={'w': torch.full((64,), value)}), path)


def test_the_atomic_backend_is_chosen_by_name_and_replaces_nothing(tmp_path):
    from mmengine.fileio import LocalBackend
    assert type(get_file_backend(str(tmp_path / 'x.pth'))) is LocalBackend  # mmengine's own
    backend = get_file_backend(str(tmp_path / 'x.pth'), backend_args=dict(backend=ATOMIC_BACKEND))
    assert isinstance(backend, AtomicLocalBackend)
    backend.put(b'abc', tmp_path / 'sub' / 'x.pth')
    assert (tmp_path / 'sub' / 'x.pth').read_bytes() == b'abc'
    assert [p.name for p in (tmp_path / 'sub').iterdir()] == ['x.pth']


def test_importing_mmmae_leaves_mmengines_backends_and_loaders_as_they_were():
    script = """
import mmdet.registry, mmseg.registry, mmpretrain.registry
from mmengine import registry as root
from mmengine.fileio.backends import registry_utils as r
from mmengine.runner.checkpoint import CheckpointLoader
before = dict(r.backends), dict(r.prefix_to_backends), dict(CheckpointLoader._schemes)
roots = {name: sorted(reg.children) for name, reg in vars(root).items() if isinstance(reg, root.Registry)}
import mmmae
from mmmae.utils import register_all_modules
register_all_modules()
after = dict(r.backends), dict(r.prefix_to_backends), dict(CheckpointLoader._schemes)
assert after[1] == before[1], (before[1], after[1])  # no prefix taken over
assert {k: v for k, v in after[0].items() if k != 'atomic_local'} == before[0]
assert after[0]['atomic_local'].__module__ == 'mmmae.engine.atomic_io'
assert after[2] == before[2], 'a checkpoint loader scheme was replaced'
# mmmae's registries hang under MMPretrain's; only the two MMPretrain lacks (strategies for the
# FlexibleRunner, functions for FSDP's wrap policy) are children of mmengine's roots, made by
# Registry(parent=...) as MMPretrain's own are
after_roots = {name: sorted(reg.children) for name, reg in vars(root).items()
               if isinstance(reg, root.Registry)}
added = {name: sorted(set(after_roots[name]) - set(roots[name])) for name in roots}
assert {name: kids for name, kids in added.items() if kids} == {'STRATEGIES': ['mmmae'],
                                                                'FUNCTIONS': ['mmmae']}
assert all(set(roots[name]) <= set(after_roots[name]) for name in roots)
# other scopes still reach mmmae's components by the dotted name
from mmdet.registry import MODELS
from mmengine.registry import DefaultScope
with DefaultScope.overwrite_default_scope('mmdet'):
    assert MODELS.get('mmmae.MAEViTDet').__name__ == 'MAEViTDet'
"""
    subprocess.run([sys.executable, '-c', script], check=True)


def test_a_written_file_has_the_permissions_open_would_give_it(tmp_path):
    mask = os.umask(0o022)
    try:
        path = atomic_write_bytes(b'abc', tmp_path / 'epoch_1.pth')
        assert path.stat().st_mode & 0o777 == 0o644  # readable by the group, as torch.save's
    finally:
        os.umask(mask)


def test_a_failed_write_keeps_the_old_file_and_leaves_no_partial(tmp_path):
    path = tmp_path / 'epoch_1.pth'
    atomic_write_bytes(b'old', path)

    def fail_halfway(tmp: str) -> None:
        with open(tmp, 'wb') as f:
            f.write(b'ne')
        raise OSError('disk full')
    with pytest.raises(OSError, match='disk full'):
        atomic_write(path, fail_halfway)
    assert path.read_bytes() == b'old'
    assert [p.name for p in tmp_path.iterdir()] == ['epoch_1.pth']


def test_checkpoint_problem_finds_truncation_and_corruption(tmp_path):
    good = tmp_path / 'good.pth'
    save(good, 1.0)
    assert checkpoint_problem(good) is None
    data = good.read_bytes()
    (tmp_path / 'truncated.pth').write_bytes(data[:len(data) // 2])
    assert 'not a complete checkpoint' in checkpoint_problem(tmp_path / 'truncated.pth')
    flipped = bytearray(data)
    offset = data.index(torch.full((64,), 1.0).numpy().tobytes())  # inside the tensor's bytes
    flipped[offset] ^= 0xFF
    (tmp_path / 'flipped.pth').write_bytes(bytes(flipped))
    assert 'corrupt' in checkpoint_problem(tmp_path / 'flipped.pth')
    assert checkpoint_problem(tmp_path / 'absent.pth') == 'missing'


def test_auto_resume_falls_back_to_the_newest_complete_checkpoint(tmp_path):
    assert latest_good_checkpoint(tmp_path) is None
    for epoch in (1, 2, 10):
        save(tmp_path / f'epoch_{epoch}.pth', epoch)
    pointer = tmp_path / 'last_checkpoint'
    pointer.write_text(str(tmp_path / 'epoch_2.pth'))
    assert latest_good_checkpoint(tmp_path) == str(tmp_path / 'epoch_2.pth')  # the pointer wins
    data = (tmp_path / 'epoch_2.pth').read_bytes()
    (tmp_path / 'epoch_2.pth').write_bytes(data[:100])  # damaged after it was written
    assert latest_good_checkpoint(tmp_path) == str(tmp_path / 'epoch_10.pth')
    pointer.write_text('')  # a pointer cut short
    assert latest_good_checkpoint(tmp_path) == str(tmp_path / 'epoch_10.pth')
    (tmp_path / 'epoch_10.pth').unlink()
    pointer.write_text(str(tmp_path / 'epoch_10.pth'))  # names a file that is gone
    assert latest_good_checkpoint(tmp_path) == str(tmp_path / 'epoch_1.pth')


def test_torch_save_into_atomic_write_round_trips(tmp_path):
    buffer = io.BytesIO()
    torch.save({'w': torch.arange(3)}, buffer)
    atomic_write_bytes(buffer.getvalue(), tmp_path / 'w.pth')
    assert torch.equal(torch.load(tmp_path / 'w.pth')['w'], torch.arange(3))
