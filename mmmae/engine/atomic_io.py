"""Atomic local file writes, so a checkpoint is never half-written.

mmengine's ``LocalBackend.put`` opens the destination and writes into it: a
process killed during a checkpoint write leaves a truncated ``epoch_N.pth``
that later looks like a checkpoint. ``AtomicLocalBackend`` writes to a hidden
temporary file in the same folder, flushes and fsyncs it, then renames it over
the destination (``os.replace`` is atomic on POSIX), so a reader sees the old
file or the complete new one, never a part. It is registered as mmengine's file backend
``'atomic_local'`` beside the stock ones (nothing is replaced), and a config chooses it where
checkpoints are written: mmmae's ``default_runtime.py`` sets
``default_hooks.checkpoint.backend_args=dict(backend='atomic_local')``.
"""
import os
import tempfile
from pathlib import Path
from typing import Callable, Union

from mmengine.fileio.backends import LocalBackend, register_backend


def atomic_write(path: Union[str, os.PathLike], write: Callable[[str], None]) -> Path:
    """Call ``write(tmp)`` on a temporary name beside ``path``, fsync, rename into place.

    A reader of ``path`` sees the old file or the complete new one, never a
    part; a failed or killed ``write`` leaves at most a hidden ``*.partial``.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f'.{path.name}.', suffix='.partial', dir=path.parent)
    os.close(fd)
    os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes it private; a file open() makes is not
    try:
        write(tmp)
        with open(tmp, 'rb+') as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:  # make the rename itself durable
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    return path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_bytes(data: bytes, path: Union[str, os.PathLike]) -> Path:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_write`)."""
    return atomic_write(path, lambda tmp: Path(tmp).write_bytes(data))


class AtomicLocalBackend(LocalBackend):
    """mmengine's local file backend with atomic ``put`` and ``put_text``."""

    def put(self, obj: bytes, filepath: Union[str, Path]) -> None:
        atomic_write_bytes(obj, filepath)

    def put_text(self, obj: str, filepath: Union[str, Path], encoding: str = 'utf-8') -> None:
        atomic_write_bytes(obj.encode(encoding), filepath)


ATOMIC_BACKEND = 'atomic_local'
register_backend(ATOMIC_BACKEND, AtomicLocalBackend)
