"""Shared fixtures: registered modules, the MNIST-5k images, small MAE configs."""
import os
import sys
from pathlib import Path

import pytest
import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / 'tools'))  # tools/*.py are importable as modules in tests
sys.path.insert(0, str(ROOT / 'tools' / 'analysis_tools'))  # get_flops, knn_eval, ...
torch.set_num_threads(min(2, os.cpu_count() or 1))
DEMO_CONFIG = ROOT / 'configs' / 'mae' / 'mae_vit-demo-p4_1xb64-coslr-20e_mnist5k.py'


@pytest.fixture(scope='session', autouse=True)
def registered():
    from mmmae.utils import register_all_modules
    register_all_modules(init_default_scope=True)


@pytest.fixture(scope='session')
def mnist_root(tmp_path_factory) -> Path:
    from mmmae.datasets import write_mnist5k
    return write_mnist5k(tmp_path_factory.mktemp('data') / 'mnist5k')


@pytest.fixture(scope='session')
def canvas_root(tmp_path_factory) -> Path:
    """A small digit-canvas detection / segmentation set: 24 training, 12 validation canvases."""
    from mmmae.datasets import write_digit_canvas
    return write_digit_canvas(tmp_path_factory.mktemp('data') / 'digit_canvas', num_train=24,
                              num_val=12)
