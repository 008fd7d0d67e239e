"""The versions to paste into a bug report: ``python -m mmmae.utils.collect_env``."""
import importlib.metadata
import platform
from collections import OrderedDict

# distributions whose versions matter for mmmae (mmengine's report already has MMEngine)
STACK = ('mmcv', 'mmpretrain', 'mmdet', 'mmsegmentation', 'timm', 'transformers',
         'numpy', 'tensorboard', 'wandb', 'openmim')


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return 'not installed'


def mmcv_ops_status() -> str:
    """Whether mmcv's compiled ops load (RoIAlign, NMS need them), and with CUDA or not."""
    try:
        from mmcv.ops import get_compiler_version, get_compiling_cuda_version
    except Exception as err:  # a missing or broken build: say what failed
        return f'not available ({type(err).__name__}: {err})'
    return (f'available (compiled with {get_compiler_version()}, '
            f'CUDA {get_compiling_cuda_version()})')


def collect_env() -> 'OrderedDict[str, str]':
    """mmengine's environment report (OS, Python, compiler, PyTorch, CUDA, GPUs) plus mmmae's
    version, the OpenMMLab stack, mmcv's compiled ops, and the attention kernels torch offers."""
    import torch
    from mmengine.utils.dl_utils import collect_env as mmengine_env

    import mmmae
    env = OrderedDict(mmengine_env())
    env['mmmae'] = mmmae.__version__
    for dist in STACK:
        env[dist] = _version(dist)
    env['mmcv ops'] = mmcv_ops_status()
    env['machine'] = f'{platform.machine()}, {torch.get_num_threads()} torch threads'
    if torch.cuda.is_available():
        backends = torch.backends.cuda
        env['SDPA kernels'] = (f'flash {backends.flash_sdp_enabled()}, memory-efficient '
                               f'{backends.mem_efficient_sdp_enabled()}, math '
                               f'{backends.math_sdp_enabled()}')
        env['bf16 supported'] = str(torch.cuda.is_bf16_supported())
    return env


def main() -> None:
    for name, value in collect_env().items():
        print(f'{name}: {value}')


if __name__ == '__main__':
    main()
