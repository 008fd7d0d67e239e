"""The bug-report environment summary."""
import subprocess
import sys

import mmcv
import torch

import mmmae
import mmmae.utils


def test_collect_env_names_the_stack_and_the_mmcv_ops():
    env = mmmae.utils.collect_env()
    assert env['mmmae'] == mmmae.__version__
    assert env['mmcv'] == mmcv.__version__
    assert env['PyTorch'] == torch.__version__
    assert env['mmcv ops'].startswith('available')  # make setup builds the ops
    for dist in ('mmpretrain', 'mmdet', 'mmsegmentation'):
        assert env[dist][0].isdigit(), (dist, env[dist])


def test_module_prints_it_without_warnings():
    proc = subprocess.run([sys.executable, '-W', 'error::RuntimeWarning', '-m',
                           'mmmae.utils.collect_env'], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert f'mmmae: {mmmae.__version__}' in proc.stdout and 'mmcv ops: available' in proc.stdout
    assert 'RuntimeWarning' not in proc.stderr
