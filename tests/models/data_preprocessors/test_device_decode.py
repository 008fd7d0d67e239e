"""Decoding and RandomResizedCrop + flip in the data preprocessor (the GPU path, run on the CPU)."""
import io
from pathlib import Path

import numpy as np
import pytest
import torch
from mmcv.transforms import Compose
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from PIL import Image
from torchvision.transforms import RandomResizedCrop

from mmmae.datasets import BadImageError, LoadImageBytes, write_photo_folder
from mmmae.models.data_preprocessors import (DeviceDecodePreprocessor, MAEDataPreprocessor,
                                             crop_resize, decode_images, device_decode,
                                             random_resized_crop_boxes)
from mmmae.registry import MODELS, TRANSFORMS

CONFIG = Path(__file__).resolve().parents[3] / 'configs' / 'mae' / \
    'mae_vit-base-p16_8xb512-amp-coslr-300e_in1k-gpu-decode.py'
FILES = ['outdoor/astronaut.jpg', 'objects/coins.jpg', 'animals/chelsea.png',
         'outdoor/street/motorcycle_left.webp']  # RGB and grey JPEG, RGBA PNG, WebP
CPU = torch.device('cpu')


@pytest.fixture(scope='module')
def photos(tmp_path_factory) -> Path:
    return write_photo_folder(tmp_path_factory.mktemp('data') / 'photos')


def encoded(path: Path) -> torch.Tensor:
    return torch.from_numpy(np.frombuffer(path.read_bytes(), np.uint8).copy())


def pillow_crop(path: Path, box, size=224) -> torch.Tensor:
    """The CPU pipeline's crop: Pillow decode, crop, bicubic resize (uint8), as [3, S, S] float."""
    top, left, height, width = box
    with Image.open(path) as image:
        crop = image.convert('RGB').crop((left, top, left + width, top + height))
        return torch.from_numpy(np.array(crop.resize((size, size), Image.BICUBIC))).permute(
            2, 0, 1).float()


@pytest.mark.parametrize('name', FILES)
def test_decode_and_crop_match_pillow_for_a_fixed_box(photos, name):
    (image,) = decode_images([encoded(photos / name)], CPU, [name])
    with Image.open(photos / name) as pil:
        assert torch.equal(image, torch.from_numpy(np.array(pil.convert('RGB'))).permute(2, 0, 1))
    height, width = image.shape[-2:]
    box = (height // 5, width // 7, height // 2, width // 2)
    diff = (crop_resize(image, box, 224) - pillow_crop(photos / name, box)).abs()
    # torch's antialiased bicubic vs Pillow's: measured mean 0.18-0.20, max 1-4 grey levels
    assert diff.mean() < 0.5 and diff.max() <= 8


def test_boxes_are_drawn_as_torchvision_draws_them():
    torch.manual_seed(0)
    boxes = random_resized_crop_boxes(torch.tensor([[375, 500]] * 4000), (0.2, 1.0))
    top, left, height, width = boxes.double().unbind(1)
    area = height * width / (375 * 500)
    assert area.min() >= 0.19 and area.max() <= 1.0
    assert (width / height).min() >= 0.74 and (width / height).max() <= 1.34
    assert top.min() >= 0 and left.min() >= 0
    assert (top + height).max() <= 375 and (left + width).max() <= 500
    theirs = torch.tensor([RandomResizedCrop.get_params(torch.zeros(1, 375, 500), [0.2, 1.0],
                                                        [3 / 4, 4 / 3]) for _ in range(500)])
    theirs_area = theirs[:, 2].double() * theirs[:, 3] / (375 * 500)
    assert abs(area.mean() - theirs_area.mean()) < 0.04  # 4 standard errors of theirs
    room = height < 375
    assert abs((top[room] / (375 - height[room])).mean() - 0.5) < 0.02  # placed uniformly
    # no box of 0.2-1 of a 10 x 1000 strip has a 3:4-4:3 shape: the centred fallback
    (fallback,) = random_resized_crop_boxes(torch.tensor([[10, 1000]]), (0.2, 1.0)).tolist()
    assert fallback == [0, (1000 - 13) // 2, 10, 13]


def test_the_config_pipeline_and_preprocessor_give_the_cpu_pipeline_crops(photos, monkeypatch):
    cfg = Config.fromfile(str(CONFIG))
    pipeline = Compose([TRANSFORMS.build(t) for t in cfg.train_dataloader.dataset.pipeline])
    data = pseudo_collate([pipeline(dict(img_path=str(photos / name))) for name in FILES])
    preprocessor = MODELS.build(dict(cfg.model.data_preprocessor, flip_prob=1.0))
    assert isinstance(preprocessor, DeviceDecodePreprocessor)
    fixed = torch.tensor([[10, 20, 100, 150], [0, 0, 303, 384], [50, 60, 200, 150], [7, 9, 300, 300]])
    monkeypatch.setattr(device_decode, 'random_resized_crop_boxes', lambda *_: fixed)
    out = preprocessor(data, training=True)
    assert out['inputs'].shape == (4, 3, 224, 224) and out['inputs'].dtype == torch.float32
    assert out['data_samples'][2].img_path.endswith('chelsea.png')
    for i, name in enumerate(FILES):
        reference = (pillow_crop(photos / name, fixed[i].tolist()).flip(-1) - preprocessor.mean) / \
            preprocessor.std
        assert (out['inputs'][i] - reference).abs().mean() < 0.5 / 57


def test_decoded_images_go_through_the_plain_mae_preprocessor():
    images = torch.randint(0, 255, (2, 3, 32, 32), dtype=torch.uint8)
    ours = DeviceDecodePreprocessor()(dict(inputs=images))['inputs']
    torch.testing.assert_close(ours, MAEDataPreprocessor()(dict(inputs=images))['inputs'])


def test_bad_files_are_named(photos, tmp_path):
    broken = torch.tensor([0xFF, 0xD8, 0xFF, 1, 2, 3], dtype=torch.uint8)
    with pytest.raises(ValueError, match='bad.jpg cannot be decoded'):
        decode_images([encoded(photos / FILES[0]), broken], CPU, ['a.jpg', 'bad.jpg'])
    (tmp_path / 'empty.jpg').write_bytes(b'')
    for name, message in [('missing.jpg', 'does not exist'), ('empty.jpg', 'is empty')]:
        with pytest.raises(BadImageError, match=message):
            LoadImageBytes()(dict(img_path=str(tmp_path / name)))
    with pytest.raises(ValueError, match='0 < scale'):
        DeviceDecodePreprocessor(scale=(0.5, 0.2))


def test_pillow_reads_what_the_bytes_loader_read(photos):
    results = LoadImageBytes()(dict(img_path=str(photos / FILES[0])))
    assert results['img'].dtype == np.uint8 and results['img'].ndim == 1
    with Image.open(io.BytesIO(results['img'].tobytes())) as image:
        assert image.size == (512, 512)
