"""Test-only fault injection: SIGKILL the training process, or poison its weights, at a chosen point."""
import os
import signal
from pathlib import Path
from typing import Optional, Sequence

import torch
from mmengine.dist import get_rank
from mmengine.hooks import Hook

from mmmae.engine import atomic_io
from mmmae.registry import HOOKS


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


@HOOKS.register_module()
class KillHook(Hook):
    """Kill -9 after iteration ``after_iter`` (on ``rank`` only, if given), or halfway
    through writing checkpoint ``during_save``."""

    def __init__(self, after_iter: Optional[int] = None, during_save: Optional[str] = None,
                 rank: Optional[int] = None):
        self.after_iter, self.during_save, self.rank = after_iter, during_save, rank

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None) -> None:
        if self.after_iter is not None and runner.iter + 1 == self.after_iter and \
                self.rank in (None, get_rank()):
            _die()

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        if self.during_save is None:
            return
        target, real_put = self.during_save, atomic_io.AtomicLocalBackend.put

        def put_then_die(backend, obj: bytes, filepath) -> None:
            if Path(filepath).name != target:
                return real_put(backend, obj, filepath)

            def write_half(tmp: str) -> None:
                Path(tmp).write_bytes(obj[:len(obj) // 2])
                _die()
            atomic_io.atomic_write(filepath, write_half)

        atomic_io.AtomicLocalBackend.put = put_then_die


@HOOKS.register_module()
class PoisonWeightsHook(Hook):
    """Fill every weight with NaN after iteration ``after_iter``: the next loss is NaN."""

    def __init__(self, after_iter: int):
        self.after_iter = after_iter

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None) -> None:
        if runner.iter + 1 == self.after_iter:
            with torch.no_grad():
                for param in runner.model.parameters():
                    param.fill_(float('nan'))


@HOOKS.register_module()
class NaNLossHook(Hook):
    """Make the loss NaN (weights untouched) at the given iterations (on ``rank`` only, if given)."""

    def __init__(self, at_iters: Sequence[int], rank: Optional[int] = None):
        self.at_iters, self.rank = set(at_iters), rank

    def before_train_iter(self, runner, batch_idx, data_batch=None) -> None:
        model = runner.model.module if hasattr(runner.model, 'module') else runner.model
        model.__dict__.pop('parse_losses', None)  # back to the class's method
        if runner.iter + 1 in self.at_iters and self.rank in (None, get_rank()):
            real = model.parse_losses

            def nan_losses(losses):
                loss, log_vars = real(losses)
                loss = loss * float('nan')
                log_vars['loss'] = loss.detach()
                return loss, log_vars
            model.parse_losses = nan_losses
