"""Build a model from a config, with a checkpoint's weights or a random initialisation."""
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Optional, Union

import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope

from mmmae.engine import load_model_checkpoint
from mmmae.registry import MODELS
from mmmae.utils import register_all_modules

ConfigLike = Union[str, Path, Config]
PACKAGED = Path(__file__).resolve().parents[1] / '.mim'


def config_file(relative: str) -> Path:
    """A config shipped with mmmae, by its path under ``configs/``
    (``'mae/mae_vit-demo-p4_1xb64-coslr-20e_mnist5k.py'``): from the installed package's
    ``.mim/configs``, which an editable install links to the checkout's ``configs/``."""
    path = PACKAGED / 'configs' / relative
    if not path.is_file():
        raise FileNotFoundError(f'{relative} is not among the configs installed with mmmae '
                                f'({PACKAGED / "configs"}); reinstall mmmae (pip install -e .)')
    return path


def load_model_config(config: ConfigLike, cfg_options: Optional[dict] = None) -> Config:
    """The config (a path or a ``Config``, copied), with ``cfg_options`` merged."""
    cfg = Config.fromfile(str(config)) if not isinstance(config, Config) else config.copy()
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    return cfg


def config_scope(cfg: Config) -> AbstractContextManager:
    """The config's registry scope (``mmmae`` unless it names one) for what is built inside."""
    return DefaultScope.overwrite_default_scope(cfg.get('default_scope', 'mmmae'))


def init_model(config: ConfigLike, checkpoint: Optional[str] = None, device: str = 'cpu',
               cfg_options: Optional[dict] = None, seed: Optional[int] = None) -> torch.nn.Module:
    """The config's model in eval mode on ``device``, its config attached as ``model.cfg``.

    With ``checkpoint`` its weights are loaded safely (weights only, mmengine's own types
    allow-listed); without, the model keeps its initialisation, drawn after
    ``torch.manual_seed(seed)`` when a seed is given.
    """
    register_all_modules(init_default_scope=False)
    cfg = load_model_config(config, cfg_options)
    if seed is not None:
        torch.manual_seed(seed)
    with config_scope(cfg):
        model = MODELS.build(cfg.model)
    if checkpoint:
        load_model_checkpoint(model, checkpoint, map_location='cpu')
    model.cfg = cfg
    return model.to(device).eval()
