"""Test-only: dump the model's and optimizer's full state when training starts (after a resume)."""
import torch
from mmengine.dist import get_rank
from mmengine.hooks import Hook
from torch.distributed.checkpoint.state_dict import get_state_dict

from mmmae.engine.strategies.fsdp import full_state_options
from mmmae.registry import HOOKS


@HOOKS.register_module()
class FullStateDumpHook(Hook):
    """Write ``work_dir/start_state.pt``: the full model and optimizer state (gathered from the
    shards) as training begins, and the iteration it begins at."""

    def before_train(self, runner) -> None:
        model, optim = get_state_dict(runner.model, runner.optim_wrapper.optimizer,
                                      options=full_state_options())
        if get_rank() == 0:
            torch.save(dict(model=model, optimizer=optim, iter=runner.iter),
                       f'{runner.work_dir}/start_state.pt')


@HOOKS.register_module()
class LocalShardBytesHook(Hook):
    """Write ``work_dir/shard_bytes_rank{R}.pt``: the bytes of the parameters this rank holds
    (its FSDP shards) and of its AdamW moments after the first step."""

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None) -> None:
        if runner.iter != 1:
            return
        params = sum(p.numel() * p.element_size() for p in runner.model.parameters())
        moments = sum(value.numel() * value.element_size()
                      for state in runner.optim_wrapper.optimizer.state.values()
                      for key, value in state.items() if key in ('exp_avg', 'exp_avg_sq'))
        torch.save(dict(params=params, moments=moments), f'{runner.work_dir}/shard_bytes_rank{get_rank()}.pt')
