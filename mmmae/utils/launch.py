"""What the command-line tools share: common options, config loading, distributed launch."""
import argparse
import os
from typing import Sequence

import torch
import torch.distributed as dist
from mmengine.config import Config, DictAction
from mmengine.runner import Runner
from mmengine.utils import import_modules_from_strings

from .config_check import check_config_keys
from .vis_backends import VIS_BACKENDS, add_vis_backends


def prepare_distributed(cfg: Config) -> None:
    """Let ``--launcher pytorch`` runs work on CPU-only machines.

    mmengine 0.10.7's ``init_dist`` calls ``torch.cuda.set_device`` and its Runner
    passes ``device_ids=[LOCAL_RANK]`` to DDP, both of which fail without a GPU.
    Without CUDA this initialises a gloo process group itself (the Runner then
    skips ``init_dist``) and wraps the model in DDP without device ids.
    """
    if cfg.get('launcher', 'none') == 'none':
        return
    if torch.cuda.is_available():
        check_gpus_per_node(int(os.environ.get('LOCAL_WORLD_SIZE', 1)), torch.cuda.device_count())
        return
    if not dist.is_initialized():
        missing = [k for k in ('RANK', 'WORLD_SIZE', 'MASTER_ADDR', 'MASTER_PORT') if k not in os.environ]
        if missing:
            raise RuntimeError(f'--launcher {cfg.launcher} needs {missing} in the environment; '
                               'start through tools/dist_train.sh (torchrun) or slurm_train.sh')
        dist.init_process_group(backend='gloo')
    cfg.setdefault('env_cfg', {}).setdefault('dist_cfg', {})['backend'] = 'gloo'
    wrapper = cfg.get('model_wrapper_cfg') or dict(type='MMDistributedDataParallel')
    wrapper['device_ids'] = None
    cfg.model_wrapper_cfg = wrapper


def check_gpus_per_node(processes: int, gpus: int) -> None:
    """Refuse more processes per node than visible GPUs (two would share one and crawl or OOM)."""
    if processes > gpus:
        raise RuntimeError(f'{processes} processes per node but only {gpus} visible GPUs: pass at most '
                           f'{gpus} as GPUS to dist_train.sh / dist_test.sh (or GPUS_PER_NODE to the '
                           'Slurm scripts), or check CUDA_VISIBLE_DEVICES')


def load_config(path: str, launcher: str = 'none', cfg_options: dict = None,
                work_dir: str = None, vis_backends: Sequence[str] = ()) -> Config:
    """Config from a file with the options every tool shares applied.

    ``work_dir`` defaults to ``work_dirs/<config name>``; ``vis_backends`` names logging
    backends to add (``tensorboard``, ``wandb``; see ``vis_backends.py``).
    """
    cfg = Config.fromfile(path)
    cfg.launcher = launcher
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
        if 'custom_imports' in cfg_options:
            import_modules_from_strings(**cfg.custom_imports)
    check_config_keys(cfg)
    add_vis_backends(cfg, vis_backends)
    if work_dir is not None:
        cfg.work_dir = work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = os.path.join('work_dirs', os.path.splitext(os.path.basename(path))[0])
    return cfg


def add_common_args(parser: argparse.ArgumentParser) -> None:
    """``--cfg-options``, ``--launcher`` and ``--local-rank``, as every OpenMMLab tool has them."""
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config keys, e.g. train_cfg.max_epochs=5')
    parser.add_argument('--vis-backends', nargs='+', default=[], choices=sorted(VIS_BACKENDS),
                        help='also log scalars and pictures to these backends '
                        '(tensorboard, wandb); local files are always written')
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'], default='none',
                        help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)


def parse_tool_args(parser: argparse.ArgumentParser, argv=None) -> argparse.Namespace:
    """Parse, and export ``LOCAL_RANK`` for launchers that pass ``--local-rank``."""
    args = parser.parse_args(argv)
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


def build_runner(cfg: Config) -> Runner:
    """The config's ``runner_type`` (from mmmae's registry), or mmengine's Runner."""
    from mmmae.registry import RUNNERS
    return RUNNERS.build(cfg) if 'runner_type' in cfg else Runner.from_cfg(cfg)
