"""LoadImage: every colour mode becomes uint8 BGR; bad files are named, or skipped and counted."""
import io

import numpy as np
import pytest
from PIL import Image

from mmmae.datasets import BadImageError, LoadImage, decode_image
from mmmae.registry import DATASETS

RGB = np.random.default_rng(0).integers(0, 256, (20, 30, 3), dtype=np.uint8)


def encoded(image: Image.Image, fmt: str, **kwargs) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **kwargs)
    return buffer.getvalue()


def test_rgb_png_decodes_exactly_as_bgr():
    assert np.array_equal(decode_image(encoded(Image.fromarray(RGB), 'PNG'), 'x.png'), RGB[..., ::-1])


@pytest.mark.parametrize('mode, fmt, expected, tolerance', [
    ('L', 'PNG', lambda: np.repeat(np.asarray(Image.fromarray(RGB).convert('L'))[..., None], 3, 2), 0),
    ('RGBA', 'PNG', lambda: RGB, 0),
    ('P', 'GIF', None, None),  # OpenCV cannot read GIF: decoded through Pillow
    ('RGB', 'WEBP', lambda: RGB, 60),
    ('CMYK', 'JPEG', lambda: RGB, 60),
])
def test_colour_modes_become_three_channel_uint8(mode, fmt, expected, tolerance):
    source = Image.fromarray(RGB).convert(mode)
    image = decode_image(encoded(source, fmt, **({'quality': 100} if fmt in ('JPEG', 'WEBP') else {})),
                         f'x.{fmt.lower()}')
    assert image.shape == (20, 30, 3) and image.dtype == np.uint8
    if mode == 'P':
        assert np.array_equal(image[..., ::-1], np.asarray(source.convert('RGB')))
    else:
        error = np.abs(image[..., ::-1].astype(int) - expected().astype(int)).mean()
        assert error <= tolerance, error


def test_sixteen_bit_grayscale_keeps_its_range():
    gray16 = (np.arange(20 * 30, dtype=np.uint16).reshape(20, 30) * 100)
    image = decode_image(encoded(Image.fromarray(gray16), 'PNG'), 'x.png')
    assert image.shape == (20, 30, 3)
    assert np.abs(image[..., 0].astype(int) - (gray16 >> 8)).max() <= 1


@pytest.mark.parametrize('data, message', [
    (b'', 'is empty (0 bytes)'),
    (encoded(Image.fromarray(RGB), 'JPEG')[:-300], 'is a truncated JPEG'),
    (encoded(Image.fromarray(RGB), 'PNG')[:200], 'cannot be decoded as an image'),
    (b'not an image at all', 'cannot be decoded as an image'),
])
def test_bad_files_are_named(data, message):
    with pytest.raises(BadImageError) as err:
        decode_image(data, '/data/train/n01/bad.jpg')
    assert f'/data/train/n01/bad.jpg {message}' in str(err.value)


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(BadImageError, match='does not exist, but the annotation list names it'):
        LoadImage()(dict(img_path=str(tmp_path / 'gone.png')))


def make_folder(root, bad: bytes):
    (root / 'a').mkdir(parents=True)
    for i in range(6):
        Image.fromarray(RGB).save(root / 'a' / f'{i}.png')
    (root / 'a' / 'bad.png').write_bytes(bad)


def build(root, on_error: str):
    return DATASETS.build(dict(type='mmpretrain.CustomDataset', data_root=str(root), ann_file='',
                               with_label=False, pipeline=[dict(type='LoadImage', on_error=on_error)]))


def test_policy_stop_raises_naming_the_file(tmp_path):
    make_folder(tmp_path, b'')
    dataset = build(tmp_path, 'stop')
    bad = next(i for i in range(len(dataset)) if dataset.get_data_info(i)['img_path'].endswith('bad.png'))
    with pytest.raises(BadImageError, match='bad.png is empty'):
        dataset[bad]


def test_policy_skip_draws_another_sample_and_counts(tmp_path):
    make_folder(tmp_path, b'\x89PNG garbage')
    dataset = build(tmp_path, 'skip')
    bad = next(i for i in range(len(dataset)) if dataset.get_data_info(i)['img_path'].endswith('bad.png'))
    sample = dataset[bad]
    assert sample['img'].shape == (20, 30, 3) and not sample['img_path'].endswith('bad.png')
    loader = dataset.pipeline.transforms[0]
    skipped = loader.skipped  # at least 1: the random redraw may hit the bad file again
    assert skipped >= 1
    dataset[bad]
    assert loader.skipped > skipped


def test_a_missing_or_empty_data_folder_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match=str(tmp_path / 'nope')):
        build(tmp_path / 'nope', 'stop')
    (tmp_path / 'empty' / 'a').mkdir(parents=True)
    with pytest.raises(RuntimeError, match=r'Found 0 files in subfolders of.*empty'):
        build(tmp_path / 'empty', 'stop')
