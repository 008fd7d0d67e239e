"""Safe loading of local checkpoints, mmengine Runner checkpoints included.

torch >= 2.6 loads with ``weights_only=True``, which refuses mmengine 0.10.7's
own checkpoints (their ``message_hub`` pickles ``HistoryBuffer`` objects, numpy
arrays and bound statistics methods through ``getattr``), so ``--resume`` fails.
Instead of turning safety off, mmmae allow-lists exactly those data types, and a
``getattr`` that only fetches HistoryBuffer's statistics methods. Anything else
that a pickle tries to import (code execution) is still refused.

mmengine's own loader is left as it is. mmmae reads checkpoints with this module where it
loads them: ``SafeLoadRunner`` (``runner_type`` in mmmae's runtime config: resume,
``load_from``, tools/test.py's checkpoint), the ``Pretrained`` weight initializer of mmmae's
scope (``init_cfg``), the tools and the converters.
"""
import codecs
import logging
import os
import pickle
import re
import zipfile
from pathlib import Path
from typing import Any, Callable, Mapping, Optional, Union

import numpy as np
import torch
from mmengine.logging import print_log
from mmengine.logging.history_buffer import HistoryBuffer
from mmengine.runner.checkpoint import CheckpointLoader, load_state_dict

try:  # numpy >= 2
    from numpy._core import multiarray as _np_multiarray
except ImportError:  # numpy 1.x
    from numpy.core import multiarray as _np_multiarray


HISTORY_BUFFER_STATISTICS = frozenset({'min', 'max', 'current', 'mean'})


def _history_buffer_getattr(obj: Any, name: str) -> Any:
    """``getattr`` restricted to HistoryBuffer's statistics methods."""
    if obj is HistoryBuffer and (name in HISTORY_BUFFER_STATISTICS
                                 or name in HistoryBuffer._statistics_methods):
        return getattr(obj, name)
    raise pickle.UnpicklingError(
        f'checkpoint asks for getattr({type(obj).__name__}, {name!r}); only HistoryBuffer '
        'statistics methods are allowed')


def _numpy_dtype_classes() -> list:
    dtypes = getattr(np, 'dtypes', None)
    if dtypes is None:
        return []
    return [cls for cls in vars(dtypes).values() if isinstance(cls, type) and issubclass(cls, np.dtype)]


MMENGINE_CHECKPOINT_GLOBALS = [
    HistoryBuffer, np.ndarray, np.dtype, _np_multiarray._reconstruct, _np_multiarray.scalar,
    codecs.encode, (_history_buffer_getattr, 'builtins.getattr'), *_numpy_dtype_classes(),
]


SHARDED_METADATA = '.metadata'  # DCP's index of a sharded checkpoint's shards, written last
SHARDED_EXTRA = 'extra.pth'  # a sharded checkpoint's non-tensor part, beside the shards


class CheckpointLoadError(RuntimeError):
    """A checkpoint that cannot be read, with the file named."""


def load_checkpoint_file(filename: Union[str, os.PathLike],
                         map_location: Optional[Union[str, Callable, torch.device]] = 'cpu',
                         mmap: bool = False) -> Any:
    """``torch.load`` with ``weights_only=True`` plus mmengine's data-only types.

    ``mmap=True`` maps the tensors instead of reading them (for a look at shapes).
    Raises ``FileNotFoundError`` for a missing file and ``CheckpointLoadError``
    naming the file for a truncated, corrupt or code-carrying pickle.
    """
    filename = os.path.expanduser(os.fspath(filename))
    if os.path.isdir(filename):
        raise CheckpointLoadError(
            f'{filename} is a sharded checkpoint (a directory of FSDP shards); make one file of it '
            f'first: python tools/model_converters/consolidate_checkpoint.py {filename} OUT.pth')
    if not os.path.isfile(filename):
        raise FileNotFoundError(f'checkpoint {filename} does not exist')
    try:
        with torch.serialization.safe_globals(MMENGINE_CHECKPOINT_GLOBALS):
            return torch.load(filename, map_location=map_location, weights_only=True, mmap=mmap)
    except pickle.UnpicklingError as err:
        raise CheckpointLoadError(
            f'refusing to load {filename}: it holds objects beyond tensors and mmengine\'s '
            f'checkpoint data ({_unpickling_reason(err)}). If you trust its source, convert it '
            "once with torch.load(path, weights_only=False) and save only its 'state_dict'.") from err
    except (RuntimeError, EOFError, OSError) as err:
        raise CheckpointLoadError(
            f'checkpoint {filename} is truncated or corrupt ({err}); resume from an earlier '
            'checkpoint or re-download/re-save it') from err


def _unpickling_reason(err: Exception) -> str:
    """The one informative line of torch's long weights-only error."""
    lines = [ln.strip() for ln in str(err).splitlines() if ln.strip()]
    for line in lines:
        if 'GLOBAL' in line or line.startswith('checkpoint asks'):
            return line
    return lines[-1] if lines else type(err).__name__


def read_checkpoint(filename: str, map_location: Any = 'cpu') -> Any:
    """A local file with :func:`load_checkpoint_file`; a URL (``https://``, ``s3://``,
    ``torchvision://``, ...) with mmengine's ``CheckpointLoader``."""
    if '://' in os.fspath(filename):
        return CheckpointLoader.load_checkpoint(filename, map_location=map_location)
    return load_checkpoint_file(filename, map_location=map_location)


def load_into_model(model: torch.nn.Module, checkpoint: dict, strict: bool = False,
                    revise_keys: Optional[list] = None) -> None:
    """Load a read checkpoint's ``state_dict`` (or the checkpoint itself, when it is one) into
    ``model``, as mmengine does: ``revise_keys`` regex renames (default: strip ``module.``),
    missing and unexpected keys logged, or raised with ``strict``."""
    state_dict = checkpoint.get('state_dict', checkpoint)
    for pattern, replacement in revise_keys or [(r'^module\.', '')]:
        state_dict = {re.sub(pattern, replacement, key): value for key, value in state_dict.items()}
    load_state_dict(model, state_dict, strict, logger='current')


def load_model_checkpoint(model: torch.nn.Module, filename: str, map_location: Any = 'cpu',
                          strict: bool = False, revise_keys: Optional[list] = None) -> dict:
    """mmengine's ``load_checkpoint(model, filename, ...)`` with the file read by
    :func:`read_checkpoint`; returns the checkpoint."""
    checkpoint = read_checkpoint(filename, map_location)
    load_into_model(model, checkpoint, strict, revise_keys)
    return checkpoint


def checkpoint_problem(filename: Union[str, os.PathLike]) -> Optional[str]:
    """Why ``filename`` is not a complete checkpoint, or None when it is.

    A torch checkpoint is a zip archive: a truncated file has no central
    directory and a damaged one fails its members' CRC checks, both found
    without unpickling anything. A sharded checkpoint (a directory, see
    :mod:`~mmmae.engine.sharded_checkpoint`) is complete with its DCP metadata
    and a complete ``extra.pth``.
    """
    filename = os.fspath(filename)
    if os.path.isdir(filename):
        if not os.path.isfile(os.path.join(filename, SHARDED_METADATA)):
            return f'a sharded checkpoint without its {SHARDED_METADATA} (not completely written)'
        problem = checkpoint_problem(os.path.join(filename, SHARDED_EXTRA))
        return None if problem is None else f'its {SHARDED_EXTRA} is {problem}'
    if not os.path.isfile(filename):
        return 'missing'
    try:
        with zipfile.ZipFile(filename) as archive:
            bad = archive.testzip()
    except (zipfile.BadZipFile, OSError) as err:
        return f'not a complete checkpoint ({err})'
    return f'member {bad} is corrupt' if bad is not None else None


def _checkpoint_step(path: Path) -> int:
    """The number in ``epoch_12.pth`` / ``iter_5000.pth`` (-1 when there is none)."""
    digits = ''.join(ch for ch in path.stem.rsplit('_', 1)[-1] if ch.isdigit())
    return int(digits) if digits else -1


def latest_good_checkpoint(work_dir: Union[str, os.PathLike]) -> Optional[str]:
    """The checkpoint an auto-resume should continue from, or None to start afresh.

    The one ``work_dir/last_checkpoint`` names, when it is complete; otherwise
    (pointer missing, empty, or naming a missing, truncated or corrupt file) the
    newest complete ``*.pth`` in ``work_dir``. Each file passed over is reported.
    """
    work_dir = Path(work_dir)
    pointer = work_dir / 'last_checkpoint'
    named = pointer.read_text().strip() if pointer.is_file() else ''
    others = sorted(work_dir.glob('*.pth'), key=lambda p: (_checkpoint_step(p), p.stat().st_mtime),
                    reverse=True)
    candidates = ([named] if named else []) + [str(p) for p in others if str(p) != named]
    for candidate in candidates:
        problem = checkpoint_problem(candidate)
        if problem is None:
            return candidate
        print_log(f'auto-resume skips {candidate}: {problem}', logger='current',
                  level=logging.WARNING)
    return None


def saved_shapes(filename: Union[str, os.PathLike]) -> dict:
    """The shape of each tensor of a checkpoint's ``state_dict``, read without loading them: a
    file's tensors are mapped, a sharded checkpoint's shapes come from its DCP metadata."""
    if os.path.isdir(filename):
        from torch.distributed.checkpoint import FileSystemReader
        entries = FileSystemReader(os.fspath(filename)).read_metadata().state_dict_metadata
        return {name[len('state_dict.'):]: entry.size for name, entry in entries.items()
                if name.startswith('state_dict.') and hasattr(entry, 'size')}
    return {key: value.shape for key, value in
            load_checkpoint_file(filename, mmap=True).get('state_dict', {}).items()}


def check_resume_fits(model: Union[torch.nn.Module, Mapping[str, torch.Size]],
                      filename: Union[str, os.PathLike]) -> None:
    """Raise ``CheckpointLoadError`` listing every shape that differs between the checkpoint and
    ``model`` (or the shapes of its state dict; mmengine would only warn and resume a
    half-loaded model)."""
    saved = saved_shapes(filename)
    ours = model if isinstance(model, Mapping) else {
        key: value.shape for key, value in getattr(model, 'module', model).state_dict().items()}
    differ = [f'{key}: checkpoint {tuple(saved[key])}, model {tuple(shape)}'
              for key, shape in ours.items() if key in saved and tuple(saved[key]) != tuple(shape)]
    if differ:
        listed = '; '.join(differ[:5]) + (f'; and {len(differ) - 5} more' if len(differ) > 5 else '')
        raise CheckpointLoadError(f'checkpoint {filename} does not fit the model of this config ({listed}). '
                                  'Resume with the config it was trained with, or start a new work dir.')
