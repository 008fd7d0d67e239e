"""Test-only hook: every rank saves its final weights, so tests can compare ranks."""
import torch
from mmengine.dist import get_rank
from mmengine.hooks import Hook

from mmmae.registry import HOOKS


@HOOKS.register_module()
class RankStateDumpHook(Hook):
    """Write ``rank<R>_state.pt`` (model weights) to the work dir after training."""

    def after_train(self, runner) -> None:
        model = runner.model.module if hasattr(runner.model, 'module') else runner.model
        torch.save(model.state_dict(), f'{runner.work_dir}/rank{get_rank()}_state.pt')
