"""FSDP through MMEngine's FlexibleRunner, made to work where mmengine 0.10.7's FSDPStrategy
does not: on CPU ranks (gloo), resuming optimizer state on torch >= 2.1, resuming on another
number of ranks, and checkpoints that are written atomically."""
import difflib
import inspect
import os
import re
import time
from dataclasses import dataclass
from typing import Callable, Optional, Tuple, Type

import mmengine
from mmengine.dist import is_main_process
import torch
from mmengine._strategy import FSDPStrategy
from torch import nn
from torch.distributed.fsdp import FullyShardedDataParallel as FSDP
from torch.distributed.checkpoint.state_dict import (StateDictOptions, get_model_state_dict,
                                                     get_state_dict, set_model_state_dict,
                                                     set_optimizer_state_dict)

from mmmae.models.layers import TransformerBlock
from mmmae.registry import FUNCTIONS, STRATEGIES
from ..atomic_io import atomic_write
from ..checkpoint import check_resume_fits, read_checkpoint
from ..sharded_checkpoint import load_extra, load_sharded, save_sharded

SHARDED = StateDictOptions(full_state_dict=False)
CHECKPOINT_FORMATS = ('sharded', 'full')


@FUNCTIONS.register_module()
def transformer_block_policy(module: nn.Module, recurse: bool, nonwrapped_numel: int,
                             block_types: Tuple[Type[nn.Module], ...] = (TransformerBlock,)) -> bool:
    """FSDP's auto-wrap policy for MAE: one FSDP unit per transformer block (encoder and
    decoder), the rest (patch embedding, norms, head) in the root unit."""
    return recurse or isinstance(module, block_types)


def full_state_options() -> StateDictOptions:
    """Gather whole tensors, to CPU memory where the model is on an accelerator. On CPU ranks the
    offload is skipped: torch 2.14's FSDP with ``cpu_offload=True`` there returns wrong AdamW
    ``exp_avg`` values (measured: every one differs from the shards', ``exp_avg_sq`` is right),
    so a resume from such a file would not continue the run."""
    return StateDictOptions(full_state_dict=True, cpu_offload=local_device().type != 'cpu')


def local_device() -> torch.device:
    """This rank's device: its CUDA device by ``LOCAL_RANK`` where there is CUDA, else the CPU."""
    if torch.cuda.is_available():
        return torch.device('cuda', int(os.environ.get('LOCAL_RANK', 0)))
    return torch.device('cpu')


@dataclass(frozen=True)
class ShardedOptimizerState:
    """Where a sharded checkpoint's optimizer state lies, read when a resume loads it, and its
    param groups (the same on every rank, so saved once, beside the shards)."""
    checkpoint_dir: str
    param_groups: list


@STRATEGIES.register_module()
class MAEFSDPStrategy(FSDPStrategy):
    """MMEngine's ``FSDPStrategy`` for ``runner_type='mmmae.SafeFlexibleRunner'``, fixed and
    with checkpoints of its own:

    - FSDP's ``device_id`` is this rank's device, the CPU on gloo ranks (mmengine passes the
      local rank as a CUDA index, so CPU-only ranks fail);
    - ``model_wrapper`` defaults to one FSDP unit per transformer block with the original
      parameters exposed (``use_orig_params``, which mmmae's per-parameter optimizer rules
      need); its keys override these;
    - ``checkpoint_format='sharded'`` (the default) writes each checkpoint as a directory of
      ``torch.distributed.checkpoint`` shards (:mod:`~mmmae.engine.sharded_checkpoint`): every
      rank writes its part, nothing is gathered, and a run resumes on any number of ranks.
      ``'full'`` gathers the whole model and optimizer on rank 0 into one file in the layout
      of a DDP checkpoint (model keys included), which every converter reads. Both are written
      atomically, and both are read with mmmae's safe loader. Optimizer state is resumed through
      ``torch.distributed.checkpoint.state_dict`` (mmengine's call of
      ``FSDP.optim_state_dict_to_load`` passes its arguments in the pre-2.1 order).
    """

    def __init__(self, *, model_wrapper: Optional[dict] = None, checkpoint_format: str = 'sharded',
                 **kwargs) -> None:
        if checkpoint_format not in CHECKPOINT_FORMATS:
            raise ValueError(f'MAEFSDPStrategy checkpoint_format must be one of {CHECKPOINT_FORMATS}, '
                             f'got {checkpoint_format!r}')
        if 'state_dict_cfg' in kwargs:
            raise ValueError("MAEFSDPStrategy chooses its checkpoints with checkpoint_format='sharded' "
                             "or 'full', not mmengine's state_dict_cfg; remove state_dict_cfg")
        misplaced = sorted(set(kwargs) & set(inspect.signature(FSDP.__init__).parameters))
        if misplaced:
            raise ValueError(f'{misplaced} are arguments of FSDP itself, not of the strategy; put them '
                             f'in strategy.model_wrapper, e.g. model_wrapper=dict({misplaced[0]}=...)')
        accepted = {name for cls in type(self).__mro__ if '__init__' in vars(cls) and cls is not object
                    for name in inspect.signature(cls.__init__).parameters} - {'self', 'kwargs'}
        for name in sorted(set(kwargs) - accepted):
            close = difflib.get_close_matches(name, accepted, n=1)
            hint = f"did you mean '{close[0]}'?" if close else f'it takes {sorted(accepted)}'
            raise ValueError(f"MAEFSDPStrategy has no argument '{name}'; {hint}")
        wrapper = dict(type='MMFullyShardedDataParallel', use_orig_params=True,
                       auto_wrap_policy=transformer_block_policy)
        super().__init__(model_wrapper=dict(wrapper, **(model_wrapper or {})), **kwargs)
        self.checkpoint_format = checkpoint_format

    def _wrap_model(self, model: nn.Module) -> nn.Module:
        if not torch.distributed.is_initialized():
            raise RuntimeError('MAEFSDPStrategy shards the model over a process group, and this run '
                               'has none: launch it with tools/dist_train.sh CONFIG N (N ranks, 1 or '
                               'more) or tools/slurm_train.sh, not tools/train.py alone')
        self.model_wrapper.setdefault('device_id', local_device())
        return super()._wrap_model(model)

    def save_checkpoint(self, filename: str, *, save_optimizer: bool = True,
                        save_param_scheduler: bool = True, extra_ckpt: Optional[dict] = None,
                        callback: Optional[Callable] = None) -> None:
        options = SHARDED if self.checkpoint_format == 'sharded' else full_state_options()
        if save_optimizer and hasattr(self, 'optim_wrapper'):
            model_state, optim_state = get_state_dict(self.model, self.optim_wrapper.optimizer,
                                                      options=options)
            checkpoint = dict(state_dict=model_state, optimizer=optim_state)
        else:
            checkpoint = dict(state_dict=get_model_state_dict(self.model, options=options))
        if save_param_scheduler and hasattr(self, 'param_schedulers'):
            checkpoint['param_schedulers'] = self.scheduler_state_dict()
        checkpoint.update(extra_ckpt or {})
        checkpoint.setdefault('meta', {}).update(
            seed=self.seed, time=time.strftime('%Y%m%d_%H%M%S', time.localtime()),
            mmengine=mmengine.__version__)
        if callback is not None:
            callback(checkpoint)
        if self.checkpoint_format == 'sharded':
            tensors = dict(state_dict=checkpoint.pop('state_dict'))
            if 'optimizer' in checkpoint:
                optim_state = checkpoint.pop('optimizer')
                tensors['optimizer'] = dict(state=optim_state['state'])
                checkpoint['optimizer_param_groups'] = optim_state['param_groups']
            save_sharded(filename, tensors, checkpoint)
        elif is_main_process():
            atomic_write(filename, lambda tmp: torch.save(checkpoint, tmp))

    def load_checkpoint(self, filename: str, *, map_location='cpu', strict: bool = False,
                        revise_keys: Optional[list] = None, callback: Optional[Callable] = None) -> dict:
        """The checkpoint's meta and states, the model's weights loaded; its optimizer state is
        left for :meth:`load_optim_state_dict` (a sharded one is read only then)."""
        if os.path.isdir(filename):
            checkpoint = load_extra(filename)
            if 'optimizer_param_groups' in checkpoint:
                checkpoint['optimizer'] = ShardedOptimizerState(
                    str(filename), checkpoint.pop('optimizer_param_groups'))
            if callback is not None:
                callback(checkpoint)
            model_state = get_model_state_dict(self.model, options=SHARDED)
            check_resume_fits({key: value.size() for key, value in model_state.items()}, filename)
            load_sharded(filename, {'state_dict': model_state}, strict=strict)
            set_model_state_dict(self.model, model_state, options=SHARDED)
            return checkpoint
        checkpoint = read_checkpoint(filename, 'cpu')
        if callback is not None:
            callback(checkpoint)
        state = checkpoint.pop('state_dict', checkpoint)
        for pattern, replacement in revise_keys or [(r'^module\.', '')]:
            state = {re.sub(pattern, replacement, key): value for key, value in state.items()}
        set_model_state_dict(self.model, state, options=StateDictOptions(full_state_dict=True, strict=strict))
        return checkpoint

    def load_optim_state_dict(self, state_dict) -> None:
        """From a sharded checkpoint (resharded to this world size) or a full one."""
        optimizer = self.optim_wrapper.optimizer
        if isinstance(state_dict, ShardedOptimizerState):
            _, template = get_state_dict(self.model, optimizer, options=SHARDED)
            shards = dict(state=template['state'])
            load_sharded(state_dict.checkpoint_dir, {'optimizer': shards})
            shards['param_groups'] = state_dict.param_groups
            set_optimizer_state_dict(self.model, optimizer, shards, options=SHARDED)
        else:
            set_optimizer_state_dict(self.model, optimizer, state_dict,
                                     options=StateDictOptions(full_state_dict=True))
