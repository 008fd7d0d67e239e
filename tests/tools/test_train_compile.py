"""``CompileModelHook`` in a config: tools/train.py compiles the model; the losses stay those of eager."""
from pathlib import Path

import pytest
import torch
from conftest import DEMO_CONFIG, load_tool
from mmengine.config import Config

from mmmae.utils.config_check import ConfigError, check_config_keys

train_tool = load_tool('train')


def demo_args(config: Path, work_dir: Path, mnist_root: Path) -> list:
    """One epoch of ``config`` on 128 digits (2 iterations), no checkpoints or pictures."""
    return [str(config), '--work-dir', str(work_dir), '--cfg-options',
            f'train_dataloader.dataset.data_root={mnist_root}', 'train_dataloader.dataset.indices=128',
            'train_dataloader.num_workers=0', 'train_dataloader.persistent_workers=False',
            'train_cfg.max_epochs=1', 'default_hooks.logger.interval=1']


def test_compiled_training_gives_the_losses_of_eager_training(tmp_path, mnist_root):
    eager_config, compiled_config = tmp_path / 'eager.py', tmp_path / 'compiled.py'
    eager_config.write_text(f'_base_ = [{str(DEMO_CONFIG)!r}]\ncustom_hooks = []\n')
    # fallback_random: the compiled graph draws the mask noise from torch's RNG, as eager does
    compiled_config.write_text(f'_base_ = [{str(DEMO_CONFIG)!r}]\ncustom_hooks = [dict('
                               "type='CompileModelHook', options=dict(fallback_random=True))]\n")
    eager = train_tool.main(demo_args(eager_config, tmp_path / 'eager', mnist_root))
    compiled = train_tool.main(demo_args(compiled_config, tmp_path / 'compiled', mnist_root))
    assert compiled.model._compiled_call_impl is not None
    assert eager.model._compiled_call_impl is None
    losses = [runner.message_hub.get_scalar('train/loss').data[0] for runner in (eager, compiled)]
    assert len(losses[0]) == 2
    torch.testing.assert_close(torch.as_tensor(losses[1]), torch.as_tensor(losses[0]),
                               atol=1e-4, rtol=1e-4)


def test_mmengines_compile_option_is_refused_with_the_hook_named():
    with pytest.raises(ConfigError, match="custom_hooks = \\[dict\\(type='CompileModelHook'\\)\\]"):
        check_config_keys(Config(dict(compile=True)))
    check_config_keys(Config(dict(compile=False)))
