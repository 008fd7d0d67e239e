"""MAEFSDPStrategy's settings, and the FSDP settings that do not go together, named with the fix."""
import pytest
from conftest import ROOT
from mmengine.config import Config

from mmmae.apis import train
from mmmae.engine.strategies import MAEFSDPStrategy, transformer_block_policy
from mmmae.models.layers import TransformerBlock
from mmmae.registry import MODELS, STRATEGIES
from mmmae.utils.config_check import ConfigError, check_config_keys, explain_build_error
from _helpers import tiny_mae_cfg

FSDP_CONFIG = ROOT / 'configs' / 'mae' / 'mae_vit-demo-p4_2xb32-fsdp-coslr-20e_mnist5k.py'
DDP_CONFIG = ROOT / 'configs' / 'mae' / 'mae_vit-demo-p4_1xb64-coslr-20e_mnist5k.py'


@pytest.mark.parametrize('name, gpus', [('mae_vit-huge-p14_8xb512-amp-fsdp-coslr-1600e_in1k', 8),
                                        ('mae_vit-giant-p14_8xb512-amp-fsdp-coslr-1600e_in1k', 8),
                                        ('mae_vit-2b-p14_16xb256-amp-fsdp-coslr-1600e_in1k', 16)])
def test_the_large_fsdp_configs_build_their_strategy(registered, name, gpus):
    cfg = Config.fromfile(str(ROOT / 'configs' / 'mae' / f'{name}.py'))
    check_config_keys(cfg)
    strategy = STRATEGIES.build(cfg.strategy)
    assert isinstance(strategy, MAEFSDPStrategy) and strategy.checkpoint_format == 'sharded'
    assert strategy.model_wrapper['mixed_precision']['param_dtype'] == 'bfloat16'
    assert cfg.optim_wrapper.type == 'OptimWrapper' and cfg.optim_wrapper.optimizer.type == 'AdamW'
    assert cfg.train_dataloader.batch_size * gpus == 4096  # the paper's total batch


def test_one_fsdp_unit_per_transformer_block(registered):
    model = MODELS.build(tiny_mae_cfg())
    wrapped = [name for name, module in model.named_modules() if transformer_block_policy(module, False, 0)]
    blocks = [name for name, module in model.named_modules() if isinstance(module, TransformerBlock)]
    assert wrapped == blocks and len(blocks) == 3  # 2 encoder blocks, 1 decoder block
    assert transformer_block_policy(model, True, 0)  # always looks inside


def test_defaults_and_overrides_of_the_wrapper():
    strategy = MAEFSDPStrategy()
    assert strategy.model_wrapper['use_orig_params'] is True
    assert strategy.model_wrapper['auto_wrap_policy'] is transformer_block_policy
    assert strategy.checkpoint_format == 'sharded'
    ours = MAEFSDPStrategy(model_wrapper=dict(sharding_strategy='SHARD_GRAD_OP'), checkpoint_format='full')
    assert ours.model_wrapper['sharding_strategy'] == 'SHARD_GRAD_OP' and ours.checkpoint_format == 'full'


@pytest.mark.parametrize('kwargs, message', [
    (dict(checkpoint_format='local'), r"checkpoint_format must be one of \('sharded', 'full'\), got 'local'"),
    (dict(state_dict_cfg='local'), "not mmengine's state_dict_cfg; remove state_dict_cfg"),
    (dict(sharding_strategy='FULL_SHARD'), r"put them in strategy.model_wrapper, e.g. model_wrapper=dict\("
                                           r"sharding_strategy=...\)"),
    (dict(mixed_precision=dict(param_dtype='bfloat16')), 'arguments of FSDP itself'),
    (dict(checkpoint_formt='full'), "no argument 'checkpoint_formt'; did you mean 'checkpoint_format'"),
])
def test_wrong_strategy_keys_name_the_fix(kwargs, message):
    with pytest.raises(ValueError, match=message):
        MAEFSDPStrategy(**kwargs)


def test_a_strategy_under_the_ddp_runner_is_refused():
    cfg = Config.fromfile(str(DDP_CONFIG))
    cfg.strategy = dict(type='mmmae.MAEFSDPStrategy')
    with pytest.raises(ConfigError, match="set runner_type = 'mmmae.SafeFlexibleRunner'"):
        check_config_keys(cfg)


def test_ddps_wrapper_settings_under_a_flexible_runner_are_refused():
    cfg = Config.fromfile(str(FSDP_CONFIG))
    check_config_keys(cfg)  # as shipped: fine
    cfg.model_wrapper_cfg = dict(type='MMDistributedDataParallel', find_unused_parameters=True)
    with pytest.raises(ConfigError, match='put the wrapper.s options in strategy.model_wrapper'):
        check_config_keys(cfg)


def test_an_unscoped_strategy_type_is_told_its_scope():
    err = KeyError('MAEFSDPStrategy is not in the mmengine::strategy registry. Please check ...')
    assert "write type='mmmae.MAEFSDPStrategy'" in explain_build_error(err)


def test_fsdp_without_a_process_group_names_the_launcher(tmp_path, mnist_root):
    with pytest.raises(RuntimeError, match=r'launch it with tools/dist_train.sh CONFIG N'):
        train(FSDP_CONFIG, tmp_path, cfg_options={'train_dataloader.dataset.data_root': str(mnist_root),
                                                  'train_dataloader.num_workers': 0,
                                                  'train_dataloader.persistent_workers': False})
