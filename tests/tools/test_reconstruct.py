"""mmmae.apis.reconstruct (tools/visualization/reconstruct.py): pictures of the right size whose
visible patches are the input."""
import numpy as np
import pytest
import torch
from conftest import DEMO_CONFIG
from mmengine.config import Config
from PIL import Image
from skimage import data as photos

from mmmae.apis import init_model, reconstruct as reconstruct_model
from mmmae.registry import MODELS


def reconstruct(config, checkpoint, out_dir, inputs=None, num=8, seed=0, mask_ratio=None, scale=1,
                cfg_options=None):
    """What tools/visualization/reconstruct.py does with these arguments."""
    options = dict(cfg_options or {})
    if mask_ratio is not None:
        options['model.backbone.mask_ratio'] = mask_ratio
    model = init_model(config, checkpoint, cfg_options=options)
    return reconstruct_model(model, inputs, num, seed, out_dir, scale)


@pytest.fixture(scope='module')
def random_checkpoint(tmp_path_factory):
    torch.manual_seed(0)
    model = MODELS.build(Config.fromfile(str(DEMO_CONFIG)).model)
    path = tmp_path_factory.mktemp('ckpt') / 'model.pth'
    torch.save(dict(state_dict=model.state_dict()), path)
    return path


def panels(path, scale: int, size: int = 32):
    """The four panels (original, masked, reconstruction, pasted) of a per-image row."""
    row = np.asarray(Image.open(path))
    tile = size * scale
    return [row[2:2 + tile, 2 + i * (tile + 2):2 + i * (tile + 2) + tile] for i in range(4)]


def test_photos_of_any_size_and_mode(tmp_path, random_checkpoint):
    folder = tmp_path / 'photos'
    (folder / 'nested').mkdir(parents=True)
    Image.fromarray(photos.astronaut()).save(folder / 'astronaut.jpg')
    Image.fromarray(photos.coffee()).save(folder / 'nested' / 'coffee.png')  # 400x600
    Image.fromarray(photos.camera()).save(folder / 'camera.png')  # grayscale
    Image.fromarray(photos.chelsea()).convert('RGBA').save(folder / 'chelsea.png')
    out = reconstruct(str(DEMO_CONFIG), str(random_checkpoint), str(tmp_path / 'out'),
                      str(folder), scale=2, seed=3)
    assert sorted(out['names']) == ['astronaut', 'camera', 'chelsea', 'coffee']
    for i, name in enumerate(out['names']):
        path = tmp_path / 'out' / f'{name}.png'
        assert Image.open(path).size == (2 + 4 * (64 + 2), 2 + 64 + 2)
        image, masked, recon, pasted = panels(path, scale=2)
        visible = out['mask'][i, 0].repeat_interleave(2, 0).repeat_interleave(2, 1).numpy() == 0
        assert 0.2 < visible.mean() < 0.3  # 16 of 64 patches stay visible
        assert np.array_equal(pasted[visible], image[visible])
        assert np.array_equal(masked[visible], image[visible]) and masked[~visible].max() == 0
        assert not np.array_equal(recon[~visible], image[~visible])
    assert Image.open(tmp_path / 'out' / 'grid.png').size == (2 + 4 * 66, 2 + 4 * 66)


def test_seed_fixes_the_masks_and_mask_ratio_overrides(tmp_path, random_checkpoint, mnist_root):
    options = {'test_dataloader.dataset.data_root': str(mnist_root)}
    a = reconstruct(str(DEMO_CONFIG), str(random_checkpoint), str(tmp_path / 'a'), num=3, seed=1,
                    cfg_options=options)
    b = reconstruct(str(DEMO_CONFIG), str(random_checkpoint), str(tmp_path / 'b'), num=3, seed=1,
                    cfg_options=options)
    assert torch.equal(a['mask'], b['mask'])
    c = reconstruct(str(DEMO_CONFIG), str(random_checkpoint), str(tmp_path / 'c'), num=3, seed=1,
                    mask_ratio=0.5, cfg_options=options)
    assert c['mask'].mean().item() == pytest.approx(0.5)
    with pytest.raises(ValueError, match=r'mask_ratio must be in \[0, 1\)'):
        reconstruct(str(DEMO_CONFIG), str(random_checkpoint), str(tmp_path / 'd'), num=1,
                    mask_ratio=1.2, cfg_options=options)
