"""Stop a run at the first NaN or Inf loss, naming the iteration and the checkpoint to go back to."""
import math

import torch
from mmengine.hooks import Hook

from mmmae.engine.checkpoint import latest_good_checkpoint
from mmmae.registry import HOOKS


class NonFiniteLossError(FloatingPointError):
    """A training loss that is NaN or infinite."""


@HOOKS.register_module()
class NonFiniteLossHook(Hook):
    """Raise :class:`NonFiniteLossError` when the training loss stops being finite.

    Runs before ``CheckpointHook`` in ``after_train_iter``, so the weights that
    the bad step produced are never saved; the error names the iteration and
    the last complete checkpoint to resume from. Checks every ``interval``
    iterations (each check waits for the step to finish on the device). To skip
    such steps instead, use ``optim_wrapper.type='SkipNonFiniteOptimWrapper'`` (or
    ``'SkipNonFiniteAmpOptimWrapper'``); this hook then lets skipped steps pass.
    """

    priority = 'ABOVE_NORMAL'

    def __init__(self, interval: int = 1) -> None:
        if interval < 1:
            raise ValueError(f'NonFiniteLossHook interval must be >= 1, got {interval}')
        self.interval = interval

    def after_train_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        if not outputs or 'loss' not in outputs or not self.every_n_train_iters(runner, self.interval):
            return
        if getattr(runner.optim_wrapper, 'last_step_skipped', False):
            return  # a SkipNonFinite* optimizer wrapper dropped this step: the weights are fine
        loss = float(torch.as_tensor(outputs['loss']).detach())
        if math.isfinite(loss):
            return
        checkpoint = latest_good_checkpoint(runner.work_dir)
        resume = (f'the last complete checkpoint is {checkpoint}; after the fix, continue with '
                  f'`--resume {checkpoint}`') if checkpoint else 'no checkpoint was saved yet'
        raise NonFiniteLossError(
            f'training loss is {loss} at iteration {runner.iter + 1} (epoch {runner.epoch + 1}); '
            f'{resume}. Usual fixes: a lower lr or a longer warm-up, gradient clipping '
            '(optim_wrapper.clip_grad=dict(max_norm=...)), bf16 instead of fp16 autocast.')
