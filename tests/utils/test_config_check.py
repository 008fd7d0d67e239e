"""Config mistakes stop the tools before training, naming the closest valid key, type or argument."""
import pytest
from conftest import DEMO_CONFIG, load_tool

from mmmae.utils.config_check import ConfigError

train_tool = load_tool('train')


def train_with(tmp_path, mnist_root, *options: str):
    return train_tool.main([str(DEMO_CONFIG), '--work-dir', str(tmp_path), '--cfg-options',
                            f'train_dataloader.dataset.data_root={mnist_root}',
                            'train_dataloader.num_workers=0', 'train_dataloader.persistent_workers=False',
                            *options])


@pytest.mark.parametrize('option, message', [
    ('train_dataloder.batch_size=8', "config key 'train_dataloder' is not a setting mmengine reads, "
                                     "so it would be silently ignored; did you mean 'train_dataloader'?"),
    ('model.backbone.type=MAEVit', "unknown model type 'MAEVit'; did you mean 'MAEViT'?"),
    ('model.backbone.mask_ratoi=0.5', "MAEViT has no argument 'mask_ratoi'; did you mean 'mask_ratio'?"),
])
def test_misspelt_config_names_the_closest_valid_name(tmp_path, mnist_root, option, message):
    with pytest.raises(ConfigError) as err:
        train_with(tmp_path, mnist_root, option)
    assert message in str(err.value)
    assert not list(tmp_path.glob('*.pth'))  # stopped before any training


def test_other_errors_pass_through_unchanged(tmp_path, mnist_root):
    with pytest.raises(ValueError, match='mask_ratio must be in') as err:
        train_with(tmp_path, mnist_root, 'model.backbone.mask_ratio=1.5')
    assert not isinstance(err.value, ConfigError)


@pytest.mark.parametrize('option, message', [
    ('train_dataloader.batch_size=0', 'batch_size should be a positive integer value, but got batch_size=0'),
    ('model.backbone.img_size=30', 'not divisible by'),
    ('model.backbone.mask_ratio=0.999', 'leaves no visible patch'),
])
def test_invalid_values_stop_before_training(tmp_path, mnist_root, option, message):
    with pytest.raises(ValueError, match=message):
        train_with(tmp_path, mnist_root, option)
    assert not list(tmp_path.glob('*.pth'))
