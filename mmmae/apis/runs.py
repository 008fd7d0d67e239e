"""Training and testing runs from a config, as tools/train.py and tools/test.py start them."""
from pathlib import Path
from typing import Optional, Sequence, Union

import mmengine
import torch
from mmengine.config import Config
from mmengine.runner import Runner

from mmmae.engine import check_resume_fits, latest_good_checkpoint
from mmmae.utils import register_all_modules
from mmmae.utils.config_check import named_config_errors
from mmmae.utils.launch import build_runner, load_config, prepare_distributed

PathLike = Union[str, Path]


def training_config(config: PathLike, work_dir: Optional[PathLike] = None,
                    cfg_options: Optional[dict] = None, resume: Optional[str] = None,
                    amp: bool = False, validate: bool = True, auto_scale_lr: bool = False,
                    pin_memory: bool = True, launcher: str = 'none',
                    vis_backends: Sequence[str] = ()) -> Config:
    """The config of a training run, with the options of :func:`train` applied."""
    cfg = load_config(str(config), launcher, cfg_options, None if work_dir is None else str(work_dir),
                      vis_backends)
    if amp:
        cfg.optim_wrapper.type = 'AmpOrCPUOptimWrapper'
        cfg.optim_wrapper.setdefault('dtype', 'bfloat16')
    if auto_scale_lr:
        cfg.auto_scale_lr.enable = True
    if not pin_memory:
        for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
            if cfg.get(loader) is not None:
                cfg[loader]['pin_memory'] = False
    if not validate:
        cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    if resume == 'auto':
        cfg.resume, cfg.load_from = True, None
    elif resume is not None:
        cfg.resume, cfg.load_from = True, resume
    if cfg.get('resume') and cfg.get('load_from') is None:
        # mmengine trusts last_checkpoint blindly; skip a missing or damaged file instead
        cfg.load_from = latest_good_checkpoint(cfg.work_dir)
        cfg.resume = cfg.load_from is not None
    return cfg


def train(config: PathLike, work_dir: Optional[PathLike] = None, cfg_options: Optional[dict] = None,
          resume: Optional[str] = None, amp: bool = False, validate: bool = True,
          auto_scale_lr: bool = False, pin_memory: bool = True, launcher: str = 'none',
          vis_backends: Sequence[str] = ()) -> Runner:
    """Train the config through its Runner; returns the Runner after training.

    ``work_dir`` defaults to ``work_dirs/<config name>``. ``resume`` is ``'auto'`` (the newest
    complete checkpoint of the work dir, or a fresh start where there is none) or a checkpoint
    path. ``amp`` trains in bf16 autocast (``AmpOrCPUOptimWrapper``), ``validate=False`` skips
    validation, ``auto_scale_lr`` scales the lr by the total batch, ``vis_backends`` adds
    ``'tensorboard'`` / ``'wandb'`` logging.
    """
    register_all_modules(init_default_scope=False)
    cfg = training_config(config, work_dir, cfg_options, resume, amp, validate, auto_scale_lr,
                          pin_memory, launcher, vis_backends)
    prepare_distributed(cfg)
    with named_config_errors():
        runner = build_runner(cfg)
        if cfg.get('resume') and cfg.get('load_from') and isinstance(runner.model, torch.nn.Module):
            check_resume_fits(runner.model, cfg.load_from)  # a strategy's model: it checks itself
        runner.train()
    return runner


def test(config: PathLike, checkpoint: PathLike, work_dir: Optional[PathLike] = None,
         cfg_options: Optional[dict] = None, out: Optional[PathLike] = None, launcher: str = 'none',
         vis_backends: Sequence[str] = ()) -> dict:
    """Evaluate ``checkpoint`` with the config's test loop; the metrics, also dumped to ``out``
    (JSON, YAML or pickle by its suffix) when given."""
    register_all_modules(init_default_scope=False)
    cfg = load_config(str(config), launcher, cfg_options, None if work_dir is None else str(work_dir),
                      vis_backends)
    if cfg.get('test_dataloader') is None:
        raise ValueError(f'{config} has no test_dataloader; add test_dataloader, test_cfg and '
                         'test_evaluator (see the MNIST demo config) to evaluate it')
    cfg.load_from = str(checkpoint)
    prepare_distributed(cfg)
    with named_config_errors():
        metrics = build_runner(cfg).test()
    if out:
        mmengine.dump(metrics, str(out))
    return metrics
