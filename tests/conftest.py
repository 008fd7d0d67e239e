"""Shared fixtures: registered modules, the MNIST-5k images, small MAE configs."""
import importlib.util
import os
from functools import lru_cache
from pathlib import Path
from types import ModuleType

import pytest
import torch

ROOT = Path(__file__).resolve().parent.parent
torch.set_num_threads(min(2, os.cpu_count() or 1))
DEMO_CONFIG = ROOT / 'configs' / 'mae' / 'mae_vit-demo-p4_1xb64-coslr-20e_mnist5k.py'


@lru_cache(maxsize=None)
def load_tool(path: str) -> ModuleType:
    """The command-line tool ``tools/<path>.py`` (``'train'``, ``'model_converters/timm2mmmae'``)
    as a module, loaded from its file: tools are scripts, not a package on ``sys.path``."""
    file = ROOT / 'tools' / f'{path}.py'
    spec = importlib.util.spec_from_file_location(f'mmmae_tool_{path.replace("/", "_")}', file)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def pytest_configure(config):
    config.addinivalue_line('markers', 'cuda: the CUDA variant of a test; skipped without a GPU '
                            '(tools/gpu_check.sh runs them with -m cuda)')


DEVICES = [
    pytest.param('cpu', id='cpu'),
    pytest.param('cuda', id='cuda', marks=[
        pytest.mark.cuda,
        pytest.mark.skipif(not torch.cuda.is_available(), reason='needs a CUDA GPU')]),
]


@pytest.fixture(params=DEVICES)
def device(request) -> torch.device:
    """Each test that takes it runs on the CPU and, where there is one, on a CUDA GPU; on the
    GPU with TF32 off, so that fp32 means fp32 there too."""
    if request.param != 'cuda':
        yield torch.device('cpu')
        return
    saved = torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32
    torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = False
    yield torch.device('cuda')
    torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32 = saved


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
