"""``compile`` in a config: tools/train.py compiles the model's forward; the losses stay those of eager."""
from pathlib import Path
from types import SimpleNamespace

import pytest
import torch
from conftest import DEMO_CONFIG
from mmengine.config import Config

import train as train_tool
from mmmae.engine import compile_model_forward


def demo_args(work_dir: Path, mnist_root: Path, *options: str) -> list:
    """One epoch of the demo config on 128 digits (2 iterations), no checkpoints or pictures."""
    return [str(DEMO_CONFIG), '--work-dir', str(work_dir), '--cfg-options',
            f'train_dataloader.dataset.data_root={mnist_root}', 'train_dataloader.dataset.indices=128',
            'train_dataloader.num_workers=0', 'train_dataloader.persistent_workers=False',
            'train_cfg.max_epochs=1', 'custom_hooks=[]', 'default_hooks.logger.interval=1', *options]


def test_compiled_training_gives_the_losses_of_eager_training(tmp_path, mnist_root):
    eager = train_tool.main(demo_args(tmp_path / 'eager', mnist_root))
    # fallback_random: the compiled graph draws the mask noise from torch's RNG, as eager does
    compiled = train_tool.main(demo_args(tmp_path / 'compiled', mnist_root,
                                         'compile.options.fallback_random=True'))
    assert hasattr(compiled.model.forward, '_torchdynamo_orig_callable')
    assert not hasattr(eager.model.forward, '_torchdynamo_orig_callable')
    losses = [runner.message_hub.get_scalar('train/loss').data[0] for runner in (eager, compiled)]
    assert len(losses[0]) == 2
    torch.testing.assert_close(torch.as_tensor(losses[1]), torch.as_tensor(losses[0]),
                               atol=1e-4, rtol=1e-4)


def test_a_bad_compile_option_is_named():
    runner = SimpleNamespace(cfg=Config(dict(compile='yes')), model=torch.nn.Linear(2, 2))
    with pytest.raises(TypeError, match='compile must be True, False or a dict'):
        compile_model_forward(runner)
    runner.cfg.compile = False
    assert not compile_model_forward(runner) and 'compile' not in runner.cfg
