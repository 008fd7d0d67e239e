"""Pretraining on a folder of unlabelled images: nested, mixed formats, modes and sizes."""
from pathlib import Path

import pytest
from conftest import ROOT, load_tool
from PIL import Image

from mmmae.datasets import write_photo_folder
from mmmae.engine import cpu_has_native_bf16

train_tool = load_tool('train')

CONFIG = ROOT / 'configs' / 'mae' / 'mae_vit-small-p16_1xb64-accum4-coslr-800e_custom-folder.py'


@pytest.fixture(scope='module')
def photo_root(tmp_path_factory) -> Path:
    return write_photo_folder(tmp_path_factory.mktemp('data') / 'photos')


def test_the_example_folder_has_what_user_folders_have(photo_root):
    files = sorted(p for p in photo_root.rglob('*') if p.is_file())
    assert len(files) == 23
    assert {p.suffix for p in files} == {'.jpg', '.png', '.webp'}
    assert any(len(p.relative_to(photo_root).parts) == 3 for p in files)  # nested two deep
    opened = [Image.open(p) for p in files]
    assert {im.mode for im in opened} == {'RGB', 'L', 'RGBA', 'P'}
    assert len({im.size for im in opened}) > 10


def folder_args(work_dir: Path, data_root: Path, *extra: str) -> list:
    """The config on CPU at batch 4 (6 steps an epoch, one optimizer step per 4)."""
    return [str(CONFIG), '--work-dir', str(work_dir), '--cfg-options',
            f'train_dataloader.dataset.data_root={data_root}', 'train_dataloader.batch_size=4',
            'train_dataloader.num_workers=0', 'train_dataloader.persistent_workers=False',
            'train_cfg.max_epochs=1', 'default_hooks.checkpoint.interval=1',
            'custom_hooks.0.interval=1', 'custom_hooks.0.num_images=4', *extra]


def test_pretrains_on_the_folder_and_draws_its_reconstructions(tmp_path, photo_root):
    runner = train_tool.main(folder_args(tmp_path, photo_root))
    assert len(runner.train_dataloader.dataset) == 23
    losses = runner.message_hub.get_scalar('train/loss').data[0]
    assert len(losses) == 6 and all(0 < loss < 10 for loss in losses)
    assert runner.optim_wrapper._accumulative_counts == 4
    # bf16 config, no GPU: bf16 autocast on a CPU that runs bf16 natively, else fp32
    assert type(runner.optim_wrapper).__name__ == \
        ('CPUAutocastOptimWrapper' if cpu_has_native_bf16() else 'OptimWrapper')
    assert (tmp_path / 'epoch_1.pth').is_file()
    picture = Image.open(tmp_path / 'reconstructions' / 'epoch_1.png')
    assert picture.width > 4 * 224  # four columns: original, masked, reconstruction, pasted


def test_an_empty_folder_is_named(tmp_path):
    empty = tmp_path / 'no_images'
    empty.mkdir()
    (empty / 'notes.txt').write_text('not an image')
    with pytest.raises(Exception, match='no_images'):
        train_tool.main(folder_args(tmp_path / 'work', empty))
