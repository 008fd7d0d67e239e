"""Sharded checkpoints: a directory written by ``torch.distributed.checkpoint`` (DCP) with the
model and optimizer tensors, each rank writing its own shards, plus ``extra.pth`` (rank 0) with
everything else: meta, message hub, schedulers, RNG states (``checkpoint_problem`` and
``check_resume_fits`` know the layout too).

DCP records each tensor's global shape and every shard's place in it, so such a checkpoint
resumes on any number of ranks, and :func:`consolidate` turns it into one ordinary mmmae
checkpoint without a process group.
"""
import os
import shutil
import tempfile
from pathlib import Path
from typing import Dict, Union

import torch
import torch.distributed.checkpoint as dcp
from mmengine.dist import barrier, is_main_process
from torch.distributed.checkpoint.format_utils import dcp_to_torch_save

from .atomic_io import atomic_write
from .checkpoint import SHARDED_EXTRA, CheckpointLoadError, checkpoint_problem, load_checkpoint_file

PathLike = Union[str, os.PathLike]


def save_sharded(path: PathLike, tensors: Dict[str, dict], extra: dict) -> None:
    """Write ``tensors`` (``state_dict`` and the optimizer's ``state``, sharded) with DCP and
    ``extra`` beside them, into ``path``, atomically: every rank writes into ``path.partial``,
    which rank 0 renames to ``path`` once all shards and the metadata are there. A killed
    save leaves the previous checkpoint and at most a ``*.partial`` directory. Collective."""
    path = Path(path)
    partial = path.with_name(path.name + '.partial')
    if is_main_process():
        shutil.rmtree(partial, ignore_errors=True)
    barrier()
    dcp.save(tensors, checkpoint_id=str(partial))
    if is_main_process():
        atomic_write(partial / SHARDED_EXTRA, lambda tmp: torch.save(extra, tmp))
        if path.exists():
            shutil.rmtree(path)
        os.replace(partial, path)
    barrier()


def load_sharded(path: PathLike, templates: Dict[str, dict], strict: bool = True) -> None:
    """Fill ``templates`` (``{'state_dict': ...}`` and/or ``{'optimizer': ...}``, this rank's
    sharded state dicts) in place from the checkpoint at ``path``, resharded to this world
    size. ``strict=False`` leaves keys the checkpoint does not hold as they are."""
    dcp.load(templates, checkpoint_id=str(path),
             planner=dcp.DefaultLoadPlanner(allow_partial_load=not strict))


def load_extra(path: PathLike) -> dict:
    """The non-tensor part of the sharded checkpoint at ``path``."""
    return load_checkpoint_file(Path(path) / SHARDED_EXTRA)


def consolidate(checkpoint_dir: PathLike, out: PathLike, with_optimizer: bool = False) -> Path:
    """One ordinary mmmae checkpoint (``meta``, ``state_dict`` with the model's full tensors,
    what else the run saved) from the sharded checkpoint at ``checkpoint_dir``, written
    atomically to ``out``; no process group needed. The optimizer state (DCP's layout, keyed by
    parameter name) is kept only with ``with_optimizer``."""
    problem = checkpoint_problem(checkpoint_dir)
    if problem is not None:
        raise CheckpointLoadError(f'{checkpoint_dir} cannot be consolidated: {problem}')
    checkpoint = load_extra(checkpoint_dir)
    with tempfile.TemporaryDirectory(dir=Path(out).parent) as scratch:
        whole = Path(scratch) / 'tensors.pth'
        dcp_to_torch_save(str(checkpoint_dir), str(whole))
        tensors = load_checkpoint_file(whole, mmap=True)
        checkpoint['state_dict'] = tensors['state_dict']
        param_groups = checkpoint.pop('optimizer_param_groups', None)
        if with_optimizer and 'optimizer' in tensors:
            checkpoint['optimizer'] = dict(tensors['optimizer'], param_groups=param_groups)
        return atomic_write(out, lambda tmp: torch.save(checkpoint, tmp))
