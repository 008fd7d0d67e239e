"""Progressive resolution (DailyMAE / FastSSL, Wu et al. 2024): pretrain at lower resolution
early and at full resolution later, in stages chosen by the config."""
import copy
import math
from dataclasses import dataclass
from typing import Iterator, List, Optional, Sequence, Tuple

from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from mmmae.registry import HOOKS

# transforms that set the training crop's output size, and the argument that does
RESIZING_TRANSFORMS = {'RandomResizedCrop': 'scale', 'LoadRandomResizedCrop': 'scale', 'Resize': 'scale'}
# kept in the optimizer's param groups, so that resume restores it with the lr it scaled
LR_MULT_KEY = 'resolution_stage_lr_mult'


@dataclass(frozen=True)
class ResolutionStage:
    """From epoch ``begin`` on: crops of ``img_size``, ``batch_size`` per GPU (None: the
    config's), the schedule's lr times ``lr_mult``, and ``mask_ratio`` (None: the backbone's)."""
    begin: int
    img_size: int
    batch_size: Optional[int] = None
    lr_mult: float = 1.0
    mask_ratio: Optional[float] = None


def resizing_transforms(pipeline: Sequence[dict]) -> Iterator[Tuple[dict, str]]:
    """The pipeline's transforms (nested ones of ``SeededAugment`` included) that set the
    output size, each with the name of the argument that does."""
    for transform in pipeline:
        key = RESIZING_TRANSFORMS.get(transform.get('type', '').split('.')[-1])
        if key:
            yield transform, key
        yield from resizing_transforms(transform.get('transforms', []))


def progressive_stages(cfg) -> Optional[List[dict]]:
    """The ``stages`` of a config's ``ProgressiveResolutionHook`` (None without one)."""
    return next((hook['stages'] for hook in cfg.get('custom_hooks', [])
                 if hook['type'] == 'ProgressiveResolutionHook'), None)


def stage_shares(stages: Sequence[dict], max_epochs: int) -> List[Tuple[int, float]]:
    """``(img_size, share of the epochs)`` of each stage of a ``max_epochs`` run."""
    ends = [stage['begin'] for stage in stages[1:]] + [max_epochs]
    return [(stage['img_size'], (end - stage['begin']) / max_epochs) for stage, end in zip(stages, ends)]


def epoch_length(num_samples: int, batch_size: int, drop_last: bool) -> int:
    """Iterations of one epoch over ``num_samples`` (one rank's share)."""
    return num_samples // batch_size if drop_last else math.ceil(num_samples / batch_size)


@HOOKS.register_module()
class ProgressiveResolutionHook(Hook):
    """Train in resolution stages: at the first epoch of each stage the training dataloader is
    rebuilt with the stage's crop size and batch size, the backbone's mask ratio is set, and the
    lr is rescaled by the stage's ``lr_mult``. The model follows the input: encoder and decoder
    cut each batch into its own patch grid and evaluate their fixed sin-cos positions exactly
    at it (``pos_embed_at``); checkpoints always hold the full-size tables.

    The schedule stays a function of the epoch: iteration-based schedulers (those converted from
    epochs included) count iterations of the config's ``train_dataloader.batch_size``, which must
    be the smallest batch of any stage, and are stepped as many times per iteration as a larger
    batch is worth (the ``ParamSchedulerHook`` steps once, this hook the rest), so that each epoch
    ends where the fixed-resolution schedule does. Everything is a function of the epoch and the
    restored optimizer and schedulers, so resuming across a change of size is exact.

    Args:
        stages: dicts of :class:`ResolutionStage` (``begin``, ``img_size``, optional
            ``batch_size``, ``lr_mult``, ``mask_ratio``); the first begins at epoch 0.
    """

    priority = 80  # after ParamSchedulerHook ('LOW', 70): its step comes first in each iteration

    def __init__(self, stages: Sequence[dict]) -> None:
        self.stages = [ResolutionStage(**stage) for stage in stages]
        begins = [stage.begin for stage in self.stages]
        if not self.stages or begins[0] != 0 or begins != sorted(set(begins)):
            raise ValueError(f'resolution stages begin at epochs {begins}; give stages that begin '
                             'at epoch 0 and at increasing epochs after it')
        self._stage: Optional[ResolutionStage] = None
        self._base_length = 0  # iterations per epoch at the config's batch (set before the run)
        self._default_mask_ratio = 0.0

    def stage_at(self, epoch: int) -> ResolutionStage:
        """The stage training ``epoch``."""
        return [stage for stage in self.stages if stage.begin <= epoch][-1]

    def before_run(self, runner) -> None:
        loader_cfg = runner.cfg.train_dataloader
        if not list(resizing_transforms(loader_cfg.dataset.pipeline)):
            raise ValueError('ProgressiveResolutionHook found no transform setting the crop size in '
                             f'train_dataloader.dataset.pipeline (one of {sorted(RESIZING_TRANSFORMS)}, '
                             'nested in SeededAugment or not); progressive resolution needs one')
        base_batch = loader_cfg.batch_size
        small = [s for s in self.stages if s.batch_size is not None and s.batch_size < base_batch]
        if small:
            raise ValueError(f'resolution stage batch {small[0].batch_size} is below the config\'s '
                             f'train_dataloader.batch_size {base_batch}, which the schedulers count '
                             'iterations of; set train_dataloader.batch_size to the smallest stage batch')
        patch = self._model(runner).backbone.patch_size
        odd = [s.img_size for s in self.stages if s.img_size % patch]
        if odd:
            raise ValueError(f'resolution stage img_size {odd[0]} is not a multiple of the patch '
                             f'size {patch}')
        self._base_length = len(runner.train_dataloader)
        self._default_mask_ratio = self._model(runner).backbone.mask_ratio

    @staticmethod
    def _model(runner):
        return runner.model.module if is_model_wrapper(runner.model) else runner.model

    def _stage_loader(self, runner, stage: ResolutionStage):
        cfg = copy.deepcopy(runner.cfg.train_dataloader)
        if stage.batch_size is not None:
            cfg.batch_size = stage.batch_size
        for transform, key in resizing_transforms(cfg.dataset.pipeline):
            transform[key] = stage.img_size
        diff_rank_seed = runner.cfg.get('randomness', {}).get('diff_rank_seed', False)
        return runner.build_dataloader(cfg, seed=runner.seed, diff_rank_seed=diff_rank_seed)

    def _stage_lengths(self, runner) -> List[int]:
        """Iterations of each epoch from now to the end, by the stage training it."""
        cfg = runner.cfg.train_dataloader
        samples, drop_last = len(runner.train_dataloader.sampler), cfg.get('drop_last', False)
        return [epoch_length(samples, self.stage_at(e).batch_size or cfg.batch_size, drop_last)
                for e in range(runner.epoch, runner.max_epochs)]

    def before_train_epoch(self, runner) -> None:
        stage = self.stage_at(runner.epoch)
        if stage == self._stage:
            return
        loop = runner.train_loop
        old, loop.dataloader = loop.dataloader, self._stage_loader(runner, stage)
        iterator = getattr(old, '_iterator', None)
        if iterator is not None and hasattr(iterator, '_shutdown_workers'):
            iterator._shutdown_workers()  # persistent workers of the previous stage
        if hasattr(loop.dataloader.sampler, 'set_epoch'):
            loop.dataloader.sampler.set_epoch(runner.epoch)
        loop._max_iters = runner.iter + sum(self._stage_lengths(runner))
        runner.message_hub.update_info('max_iters', loop._max_iters)
        model = self._model(runner)
        model.backbone.mask_ratio = (self._default_mask_ratio if stage.mask_ratio is None
                                     else stage.mask_ratio)
        for group in runner.optim_wrapper.param_groups:
            group['lr'] *= stage.lr_mult / group.get(LR_MULT_KEY, 1.0)
            group[LR_MULT_KEY] = stage.lr_mult
        self._stage = stage
        runner.logger.info(
            f'resolution stage from epoch {stage.begin}: {stage.img_size} px crops, batch '
            f'{loop.dataloader.batch_size}, {len(loop.dataloader)} iterations per epoch, lr x '
            f'{stage.lr_mult}, mask ratio {model.backbone.mask_ratio}')

    def after_train_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        length = len(runner.train_dataloader)
        # base-batch iterations this one is worth, beyond the one ParamSchedulerHook stepped
        extra = ((batch_idx + 1) * self._base_length // length
                 - batch_idx * self._base_length // length - 1)
        schedulers = runner.param_schedulers or []
        if isinstance(schedulers, dict):
            schedulers = [s for group in schedulers.values() for s in group]
        for scheduler in schedulers:
            if not scheduler.by_epoch:
                for _ in range(extra):
                    scheduler.step()
