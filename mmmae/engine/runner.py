"""mmmae's Runners (safe checkpoint loading, data loaders that leave the global RNG alone) and the
weight initializer that reads checkpoints with mmmae's safe loader."""
from typing import Callable, Dict, Optional, Union

import torch
from mmengine.logging import print_log
from mmengine.model import PretrainedInit, is_model_wrapper, update_init_info
from mmengine.runner import FlexibleRunner, Runner
from mmengine.runner.checkpoint import load_state_dict

from mmmae.registry import RUNNERS, WEIGHT_INITIALIZERS
from .checkpoint import load_into_model, load_model_checkpoint, read_checkpoint


def with_own_generator(dataloader: Union[torch.utils.data.DataLoader, Dict],
                       seed: Optional[int]) -> Union[torch.utils.data.DataLoader, Dict]:
    """A loader config given a ``torch.Generator`` of its own, seeded from the run's seed, unless
    it names one. A loader draws a base seed for its workers whenever it starts an iterator:
    every epoch, or once with persistent workers. From torch's global generator, that draw would
    shift the masks and dropout that follow by the loader settings and by a resume."""
    if isinstance(dataloader, dict) and dataloader.get('generator') is None:
        dataloader = dict(dataloader, generator=torch.Generator().manual_seed(0 if seed is None else seed))
    return dataloader


@RUNNERS.register_module()
class SafeLoadRunner(Runner):
    """mmengine's Runner, except for two things. mmmae's runtime config chooses it
    (``runner_type = 'mmmae.SafeLoadRunner'``).

    - ``load_from``, resume and tools/test.py's checkpoint are read with
      :func:`~mmmae.engine.read_checkpoint`: mmengine 0.10.7's plain ``torch.load`` refuses its
      own checkpoints on torch >= 2.6.
    - Each data loader gets a generator of its own (:func:`with_own_generator`).
    """

    @staticmethod
    def build_dataloader(dataloader: Union[torch.utils.data.DataLoader, Dict], seed: Optional[int] = None,
                         diff_rank_seed: bool = False) -> torch.utils.data.DataLoader:
        return Runner.build_dataloader(with_own_generator(dataloader, seed), seed, diff_rank_seed)

    def load_checkpoint(self, filename: str, map_location: Union[str, Callable] = 'cpu',
                        strict: bool = False, revise_keys: Optional[list] = None) -> dict:
        checkpoint = read_checkpoint(filename, map_location)
        self.call_hook('after_load_checkpoint', checkpoint=checkpoint)
        model = self.model.module if is_model_wrapper(self.model) else self.model
        load_into_model(model, checkpoint, strict, revise_keys)
        self._has_loaded = True
        self.logger.info(f'Load checkpoint from {filename}')
        return checkpoint


@RUNNERS.register_module()
class SafeFlexibleRunner(FlexibleRunner):
    """mmengine's FlexibleRunner (training through a strategy: FSDP, DeepSpeed) with the data
    loaders of :class:`SafeLoadRunner`, so that a sharded run draws the same samples, masks
    and augmentations as a DDP run of the same seed. Checkpoints are the strategy's
    (:class:`~mmmae.engine.strategies.MAEFSDPStrategy` reads them with mmmae's safe loader)."""

    @staticmethod
    def build_dataloader(dataloader: Union[torch.utils.data.DataLoader, Dict], seed: Optional[int] = None,
                         diff_rank_seed: bool = False) -> torch.utils.data.DataLoader:
        return FlexibleRunner.build_dataloader(with_own_generator(dataloader, seed), seed, diff_rank_seed)

@WEIGHT_INITIALIZERS.register_module(name='Pretrained')
class SafePretrainedInit(PretrainedInit):
    """``init_cfg=dict(type='Pretrained', checkpoint=..., prefix=...)`` under mmmae's scope (and
    ``type='mmmae.Pretrained'`` under any other): mmengine's initializer, with the checkpoint
    read by :func:`~mmmae.engine.read_checkpoint`."""

    def __call__(self, module) -> None:
        print_log(f'load {self.prefix or "model"} from: {self.checkpoint}', logger='current')
        if self.prefix is None:
            load_model_checkpoint(module, self.checkpoint, self.map_location)
        else:
            checkpoint = read_checkpoint(self.checkpoint, self.map_location)
            state_dict = checkpoint.get('state_dict', checkpoint)
            prefix = self.prefix if self.prefix.endswith('.') else self.prefix + '.'
            state_dict = {k[len(prefix):]: v for k, v in state_dict.items() if k.startswith(prefix)}
            if not state_dict:
                raise ValueError(f'{self.checkpoint} has no weights under {prefix!r}; check the '
                                 "prefix of init_cfg (e.g. 'backbone.')")
            load_state_dict(module, state_dict, strict=False, logger='current')
        if hasattr(module, '_params_init_info'):
            update_init_info(module, init_info=self._get_init_info())
