"""Logging backends switched by name: local files, TensorBoard, Weights & Biases."""
import importlib.util
from typing import Sequence

from mmengine.config import Config

# name -> (mmengine backend type, module it needs, how to install that module)
VIS_BACKENDS = {
    'local': ('LocalVisBackend', None, None),
    'tensorboard': ('TensorboardVisBackend', 'tensorboard', 'pip install "mmmae[optional]" '
                    '(or pip install tensorboard)'),
    'wandb': ('WandbVisBackend', 'wandb', 'pip install wandb, then wandb login (or set '
              'WANDB_MODE=offline)'),
}


def add_vis_backends(cfg: Config, names: Sequence[str]) -> Config:
    """Add the named logging backends to ``cfg.visualizer``, keeping the ones it has.

    Scalars (loss, lr, metrics) and the pictures hooks draw go to every backend. Raises
    ``ValueError`` for an unknown name and ``ImportError`` naming the install command when the
    backend's package is missing, before anything is trained.
    """
    if not names:
        return cfg
    if cfg.get('visualizer') is None:
        raise ValueError('the config has no `visualizer`; add one (configs/_base_/default_runtime.py '
                         'has `visualizer = dict(type=\'UniversalVisualizer\', vis_backends=...)`)')
    backends = list(cfg.visualizer.get('vis_backends') or [])
    present = {backend['type'].split('.')[-1] for backend in backends}
    for name in names:
        if name not in VIS_BACKENDS:
            raise ValueError(f'unknown logging backend {name!r}; choose from {sorted(VIS_BACKENDS)}')
        backend_type, module, install = VIS_BACKENDS[name]
        if module is not None and importlib.util.find_spec(module) is None:
            raise ImportError(f'logging backend {name!r} needs the {module!r} package: {install}')
        if backend_type not in present:
            backends.append(dict(type=backend_type))
            present.add(backend_type)
    cfg.visualizer.vis_backends = backends
    return cfg
