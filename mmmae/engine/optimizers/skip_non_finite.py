"""Optimizer wrappers that skip a step whose loss is NaN or Inf on any rank, and count it."""
import torch
from mmengine.dist import all_reduce, get_world_size
from mmengine.logging import MessageHub, print_log
from mmengine.optim import AmpOptimWrapper, OptimWrapper

from mmmae.registry import OPTIM_WRAPPERS


class SkipNonFiniteMixin:
    """``update_params`` that drops the step (no backward, no update) when the loss is not finite.

    The decision is all-reduced, so every rank skips together. Skipped steps are
    counted in the log as ``skipped_steps``; ``max_consecutive_skips`` in a row
    stop the run (``FloatingPointError``), since then the weights are already bad.
    """

    def __init__(self, *args, max_consecutive_skips: int = 10, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.max_consecutive_skips = max_consecutive_skips
        self.skipped_steps = 0
        self.consecutive_skips = 0
        self.last_step_skipped = False

    def update_params(self, loss: torch.Tensor, step_kwargs=None, zero_kwargs=None) -> None:
        finite = torch.isfinite(loss.detach()).all().float()
        if get_world_size() > 1:
            all_reduce(finite, op='min')
        self.last_step_skipped = not bool(finite.item())
        if not self.last_step_skipped:
            self.consecutive_skips = 0
            return super().update_params(loss, step_kwargs, zero_kwargs)
        self.skipped_steps += 1
        self.consecutive_skips += 1
        self.zero_grad()
        MessageHub.get_current_instance().update_scalar('train/skipped_steps', self.skipped_steps)
        print_log(f'non-finite loss ({loss.item()}): step skipped ({self.skipped_steps} so far)',
                  logger='current', level=30)
        if self.consecutive_skips >= self.max_consecutive_skips:
            raise FloatingPointError(
                f'{self.consecutive_skips} steps in a row had a non-finite loss: the weights are '
                'probably corrupt. Resume from an earlier checkpoint with a lower lr or gradient '
                'clipping (optim_wrapper.clip_grad=dict(max_norm=...)).')


@OPTIM_WRAPPERS.register_module()
class SkipNonFiniteOptimWrapper(SkipNonFiniteMixin, OptimWrapper):
    """mmengine's ``OptimWrapper`` that skips non-finite steps (see :class:`SkipNonFiniteMixin`)."""


@OPTIM_WRAPPERS.register_module()
class SkipNonFiniteAmpOptimWrapper(SkipNonFiniteMixin, AmpOptimWrapper):
    """mmengine's ``AmpOptimWrapper`` that skips non-finite steps (see :class:`SkipNonFiniteMixin`)."""
