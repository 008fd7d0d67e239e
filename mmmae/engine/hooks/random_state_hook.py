"""Random-number-generator states saved in checkpoints, so a resumed run continues exactly."""
import random
from typing import Optional

import numpy as np
import torch
from mmengine.dist import all_gather_object, get_rank, get_world_size
from mmengine.hooks import CheckpointHook, Hook

from mmmae.registry import HOOKS


def current_random_states() -> dict:
    """This process's torch (CPU and CUDA), numpy and python RNG states."""
    return dict(
        torch=torch.get_rng_state(),
        cuda=torch.cuda.get_rng_state_all() if torch.cuda.is_available() else [],
        numpy=np.random.get_state(),
        python=random.getstate())


def restore_random_states(states: dict) -> None:
    """Inverse of :func:`current_random_states`."""
    torch.set_rng_state(states['torch'])
    if states['cuda'] and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(states['cuda'])
    np.random.set_state(states['numpy'])
    kind, internal, gauss = states['python']
    random.setstate((kind, tuple(internal), gauss))


@HOOKS.register_module()
class RandomStateHook(Hook):
    """Save every rank's RNG states in each checkpoint and restore them on resume.

    mmengine re-seeds a resumed run from the config's seed, so masking noise,
    augmentation and drop path after a resume differ from an uninterrupted
    run. With this hook they do not: on CPU with deterministic settings, a
    killed and resumed run ends with the same weights, bit for bit.

    Only rank 0 writes checkpoints, so every rank's states are gathered just
    before ``CheckpointHook`` saves (this hook runs before it, at the same
    epoch or iteration boundaries; one small collective per save). The states
    are restored in ``before_train``, after everything the Runner does on
    resume, and only on resume (not for ``load_from`` weights). A checkpoint
    from another world size (or without states) keeps the freshly seeded
    generators, with a warning.
    """

    priority = 'LOW'  # before CheckpointHook (VERY_LOW) in the same stage

    def __init__(self) -> None:
        self._gathered: Optional[list] = None
        self._pending: Optional[dict] = None
        self._checkpoint_hook: Optional[CheckpointHook] = None

    def after_train_epoch(self, runner) -> None:
        hook = self._checkpoint_hook
        if hook is not None and hook.by_epoch:
            self._gathered = all_gather_object(current_random_states())

    def after_train_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        hook = self._checkpoint_hook
        if hook is None or hook.by_epoch:
            return
        if hook.every_n_train_iters(runner, hook.interval, hook.save_begin) or \
                (hook.save_last and hook.is_last_train_iter(runner)):
            self._gathered = all_gather_object(current_random_states())

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        # rank 0 only; a save outside the boundaries above carries rank 0's states alone
        checkpoint['random_states'] = self._gathered or [current_random_states()]
        self._gathered = None

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        states = checkpoint.get('random_states')
        if states is None:
            runner.logger.warning('checkpoint has no random states: the resumed run is '
                                  'seeded afresh and will not repeat the original exactly')
        elif len(states) != get_world_size():
            runner.logger.warning(f'checkpoint holds random states of {len(states)} processes, '
                                  f'this run has {get_world_size()}: seeding afresh')
        else:
            self._pending = states[get_rank()]

    def before_train(self, runner) -> None:
        # found once here, not on every iteration
        self._checkpoint_hook = next(
            (hook for hook in runner.hooks if isinstance(hook, CheckpointHook)), None)
        # only a resume (not ``load_from`` weights) starts with progress on the clock
        if self._pending is not None and (runner.iter > 0 or runner.epoch > 0):
            restore_random_states(self._pending)
        self._pending = None
