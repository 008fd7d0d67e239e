"""LoadRandomResizedCrop: MMPretrain's crop boxes for the same seed, LoadImage + RandomResizedCrop's
pixels where it decodes whole and resizes with Pillow, close ones where libjpeg decodes 2-8x
smaller or torch resizes (the default), LoadImage's errors."""
import logging
import re
from pathlib import Path

import cv2
import numpy as np
import pytest
from mmcv.transforms import Compose
from mmpretrain.datasets.transforms import RandomResizedCrop
from PIL import Image

from mmmae.benchmark.pipeline import PipelineBench, build_pipeline, run_pipelines
from mmmae.datasets import (BadImageError, LoadImage, LoadImageBytes, LoadRandomResizedCrop,
                            SeededAugment, write_imagenet_like, write_photo_folder)
from mmmae.datasets.photo_folder import load_photo
from mmmae.datasets.transforms import crop_decode, loading, region_decode
from mmmae.datasets.transforms.crop_decode import (REDUCED_READS, draft_factor, jpeg_size,
                                                   random_crop_box)
from mmmae.registry import TRANSFORMS

MAE = dict(crop_ratio_range=(0.2, 1.0))
PILLOW = dict(MAE, resize_backend='pillow')  # the pixels of the baseline's own resize


@pytest.fixture(scope='module')
def photos(tmp_path_factory) -> Path:
    return write_photo_folder(tmp_path_factory.mktemp('photos'))


@pytest.fixture(scope='module')
def imagenet_like(tmp_path_factory) -> list:
    return sorted((write_imagenet_like(tmp_path_factory.mktemp('inet'), 12) / 'train').rglob('*.JPEG'))


def baseline(size: int, **ranges) -> Compose:
    return Compose([LoadImage(), RandomResizedCrop(scale=size, backend='pillow',
                                                   interpolation='bicubic', **ranges)])


def run(transform, path, seed: int) -> dict:
    np.random.seed(seed)
    return transform(dict(img_path=str(path)))


def assert_same_results(ours: dict, theirs: dict, tolerance: float = 0.0) -> float:
    assert ours['img'].dtype == theirs['img'].dtype == np.uint8 and ours['img'].flags.c_contiguous
    assert ours['img_shape'] == theirs['img_shape'] and ours['ori_shape'] == theirs['ori_shape']
    error = np.abs(ours['img'].astype(int) - theirs['img']).mean()
    assert error <= tolerance, error
    return error


@pytest.mark.parametrize('ranges', [dict(), MAE, dict(crop_ratio_range=(0.9, 1.0),
                                                     aspect_ratio_range=(0.3, 3.0), max_attempts=3),
                                    dict(max_attempts=0)])
def test_boxes_and_draw_counts_match_mmpretrain_for_the_same_seed(ranges):
    theirs = RandomResizedCrop(scale=224, **ranges)
    ours = dict(crop_ratio_range=theirs.crop_ratio_range, aspect_ratio_range=theirs.aspect_ratio_range,
                max_attempts=theirs.max_attempts)
    # ImageNet, square, tiny, and aspect ratios past the range (central fallback)
    sizes = [(375, 500), (500, 333), (224, 224), (7, 5), (1, 1), (30, 1000), (1000, 12), (2000, 3)]
    for seed in range(150):
        for height, width in sizes:
            np.random.seed(seed)
            expected = theirs.rand_crop_params(np.empty((height, width, 1), np.uint8))
            after_theirs = np.random.random()
            np.random.seed(seed)
            assert random_crop_box(height, width, **ours) == expected
            assert np.random.random() == after_theirs  # as many draws, so later transforms agree


def test_draft_factor_keeps_the_crop_at_least_the_output_size():
    assert draft_factor(447, 1000, 224, 224) == 1 and draft_factor(448, 448, 224, 224) == 2
    assert draft_factor(1000, 3000, 128, 128) == 4 and draft_factor(5000, 5000, 128, 128) == 8
    assert draft_factor(300, 900, 128, 256) == 2  # (h, w): 300 // 128 = 2, 900 // 256 = 3


@pytest.mark.parametrize('size', [224, 96])
def test_whole_decodes_give_the_baselines_pixels_exactly(photos, size):
    ours, theirs = LoadRandomResizedCrop(scale=size, draft=False, **PILLOW), baseline(size, **MAE)
    files = sorted(p for p in photos.rglob('*') if p.is_file())  # JPEG, PNG, WebP; L, RGB(A), P
    for index, path in enumerate(files):
        for seed in (index, index + 100):
            assert_same_results(run(ours, path, seed), run(theirs, path, seed))


def test_draft_is_used_only_where_it_keeps_the_output_size(photos, imagenet_like, monkeypatch):
    reads = []
    real = cv2.imdecode
    monkeypatch.setattr(cv2, 'imdecode', lambda buffer, flag: reads.append(flag) or real(buffer, flag))
    ours, theirs = LoadRandomResizedCrop(scale=224, **PILLOW), baseline(224, **MAE)
    errors = []
    for index, path in enumerate([*sorted(photos.rglob('*.jpg')), *imagenet_like] * 4):
        np.random.seed(index)
        with Image.open(path) as image:
            width, height = image.size
        top, left, crop_h, crop_w = random_crop_box(height, width, (0.2, 1.0), (3 / 4, 4 / 3), 10)
        factor = draft_factor(crop_h, crop_w, 224, 224)
        results = run(ours, path, index)
        assert reads[-1] == (REDUCED_READS[factor] if factor > 1 else cv2.IMREAD_COLOR)
        if factor == 1:  # no reduction: the baseline's pixels
            assert_same_results(results, run(theirs, path, index))
        else:  # measured on ImageNet-like JPEGs: mean |diff| 0.6-1.1 of 255, worst image 2.1
            errors.append(assert_same_results(results, run(theirs, path, index), tolerance=3.0))
    assert errors and np.mean(errors) < 1.5


def test_drafted_crops_are_close_to_the_baseline_at_128(photos, imagenet_like):
    ours, theirs = LoadRandomResizedCrop(scale=128, **PILLOW), baseline(128, **MAE)
    errors = [assert_same_results(run(ours, path, seed), run(theirs, path, seed), tolerance=3.0)
              for seed, path in enumerate([*sorted(photos.rglob('*.jpg')), *imagenet_like] * 3)]
    assert np.mean(errors) < 1.5  # drafted or not; drafted ones measured 1.1 mean, 2.1 worst


def test_torch_drafted_crops_are_the_box_on_the_reduced_grid(photos, imagenet_like):
    """The default: the drawn box rounded to whole pixels of the reduced image (within
    ``factor / 2`` source pixels), then the pixels of the baseline's resize of that box."""
    ours = LoadRandomResizedCrop(scale=128, **MAE)
    errors = []
    for seed, path in enumerate([*sorted(photos.rglob('*.jpg')), *imagenet_like] * 3):
        data = path.read_bytes()
        np.random.seed(seed)
        top, left, crop_h, crop_w = random_crop_box(*jpeg_size(data), (0.2, 1.0), (3 / 4, 4 / 3), 10)
        factor = draft_factor(crop_h, crop_w, 128, 128)
        if factor == 1:
            continue
        drawn = (top, left, top + crop_h, left + crop_w)
        grid = [round(c / factor) * factor for c in drawn]
        assert max(abs(g - d) for g, d in zip(grid, drawn)) <= factor / 2
        box_crop = loading.decode_image(data, str(path))[grid[0]:grid[2], grid[1]:grid[3]]
        expected = np.array(Image.fromarray(box_crop).resize((128, 128), Image.BICUBIC))
        errors.append(np.abs(run(ours, path, seed)['img'].astype(int) - expected).mean())
    assert len(errors) > 20 and np.mean(errors) < 1.5 and max(errors) < 3.0, errors


def test_torch_resize_backend_is_the_default_and_within_rounding_of_pillows(photos, imagenet_like):
    ours = LoadRandomResizedCrop(scale=96, draft=False, **MAE)
    assert ours.resize_backend == 'torch'
    theirs = baseline(96, **MAE)
    files = [*sorted(p for p in photos.rglob('*') if p.is_file()), *imagenet_like]
    errors = [assert_same_results(run(ours, path, seed), run(theirs, path, seed), tolerance=0.5)
              for seed, path in enumerate(files)]
    assert np.mean(errors) < 0.1  # measured: 0.03 mean, 0.28 worst image (of 0-255)


def jpeg(tmp_path: Path, name: str, image: Image.Image, **kwargs) -> Path:
    path = tmp_path / name
    image.save(path, quality=90, **kwargs)
    return path


def test_every_colour_mode_matches_the_baseline(tmp_path):
    photo = Image.fromarray(load_photo('chelsea'))  # 451 x 300
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90: OpenCV turns it, so it is decoded whole as LoadImage does
    files = [jpeg(tmp_path, 'grey.jpg', photo.convert('L')),
             jpeg(tmp_path, 'cmyk.jpg', photo.convert('CMYK')),
             jpeg(tmp_path, 'rotated.jpg', photo, exif=exif),
             jpeg(tmp_path, 'progressive.jpg', photo, progressive=True)]
    grey16 = Image.fromarray(np.asarray(photo.convert('L')).astype(np.uint16) * 257)
    for name, image in (('rgba', photo.convert('RGBA')), ('palette', photo.quantize(64)),
                        ('grey', photo.convert('L')), ('grey16', grey16)):
        files.append(tmp_path / f'{name}.png')
        image.save(files[-1])
    ours, theirs = LoadRandomResizedCrop(scale=64, **PILLOW), baseline(64, **MAE)
    for seed, path in enumerate(files * 3):
        results = run(ours, path, seed)
        expected = run(theirs, path, seed)
        drafted = path.name in ('grey.jpg', 'cmyk.jpg', 'progressive.jpg')
        assert_same_results(results, expected, tolerance=3.0 if drafted else 0.0)
    assert run(ours, files[2], 0)['ori_shape'] == (451, 300)  # turned


def test_carried_bytes_give_what_the_file_gives(photos):
    ours = LoadRandomResizedCrop(scale=112, **MAE)
    for seed, path in enumerate(sorted(p for p in photos.rglob('*') if p.is_file())[:8]):
        carried = LoadImageBytes()(dict(img_path=str(path)))
        np.random.seed(seed)
        from_bytes = ours(carried)
        from_file = run(ours, path, seed)
        assert_same_results(from_bytes, from_file)


@pytest.mark.parametrize('data, message', [
    (None, 'does not exist, but the annotation list names it'),
    (b'', 'is empty (0 bytes)'),
    ('truncated', 'is a truncated JPEG'),
    (b'\xff\xd8 not a jpeg \xff\xd9', 'cannot be decoded as an image'),
])
def test_bad_files_stop_or_are_skipped_as_with_load_image(tmp_path, monkeypatch, data, message):
    path = tmp_path / 'bad.jpg'
    if data == 'truncated':
        jpeg(tmp_path, 'bad.jpg', Image.fromarray(load_photo('coffee')))
        data = path.read_bytes()[:-500]
    if data is not None:
        path.write_bytes(data)
    with pytest.raises(BadImageError, match=re.escape(f'{path} {message}')):
        LoadRandomResizedCrop(scale=32)(dict(img_path=str(path)))
    with pytest.raises(BadImageError, match=re.escape(f'{path} {message}')):
        LoadImage()(dict(img_path=str(path)))
    skipping = TRANSFORMS.build(dict(type='LoadRandomResizedCrop', scale=32, on_error='skip'))
    logged = []
    monkeypatch.setattr(loading, 'print_log', lambda text, **kw: logged.append((text, kw['level'])))
    assert skipping(dict(img_path=str(path))) is None and skipping(dict(img_path=str(path))) is None
    assert skipping.skipped == 2 and message in logged[-1][0] and logged[-1][1] == logging.WARNING
    assert '(2 skipped by this data worker)' in logged[-1][0]


def test_a_jpeg_opencv_will_not_reduce_is_decoded_whole_with_the_drawn_box(photos, monkeypatch):
    path = photos / 'outdoor' / 'astronaut.jpg'  # 512 x 512: most crops reduce at 32
    expected = [run(baseline(32, **MAE), path, seed) for seed in range(5)]
    real = cv2.imdecode
    monkeypatch.setattr(cv2, 'imdecode', lambda buffer, flag: None if flag in REDUCED_READS.values()
                        else real(buffer, flag))
    ours = LoadRandomResizedCrop(scale=32, **PILLOW)
    for seed in range(5):
        assert_same_results(run(ours, path, seed), expected[seed])


@pytest.mark.parametrize('kwargs, message', [
    (dict(scale=0), 'scale must be'), (dict(scale=(1, 2, 3)), 'scale must be'),
    (dict(scale=8, crop_ratio_range=(1.0, 0.2)), 'crop_ratio_range must be'),
    (dict(scale=8, max_attempts=-1), 'max_attempts must be'),
    (dict(scale=8, interpolation='cubic'), 'interpolation must be one of'),
    (dict(scale=8, on_error='ignore'), "on_error must be 'stop' or 'skip'"),
    (dict(scale=8, resize_backend='cv2'), "resize_backend must be 'pillow', or 'torch'"),
    (dict(scale=8, resize_backend='torch', interpolation='lanczos'), "resize_backend must be"),
    (dict(scale=8, flip_prob=1.5), 'flip_prob must be in'),
])
def test_bad_options_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        LoadRandomResizedCrop(**kwargs)


def test_seeded_augment_draws_the_same_crops_for_both(photos):
    path = str(photos / 'objects' / 'coffee.jpg')
    crop = dict(type='RandomResizedCrop', scale=48, backend='pillow', interpolation='bicubic')
    ours = SeededAugment([dict(type='LoadRandomResizedCrop', scale=48, draft=False,
                                 resize_backend='pillow')])
    theirs = SeededAugment([dict(type='LoadImage'), crop])
    for index in range(5):
        assert_same_results(ours(dict(img_path=path, sample_idx=index)),
                            theirs(dict(img_path=path, sample_idx=index)))


def test_benchmark_peer_times_it_at_the_chosen_size(photos, capsys):
    bench = PipelineBench(folder=str(photos / 'objects'), img_size=96, rounds=1,
                          peers=['mmmae', 'mmmae-crop-decode', 'mmpretrain'])
    results = run_pipelines(bench)
    assert set(results) == {'mmmae', 'mmmae-crop-decode', 'mmpretrain'}
    out = capsys.readouterr().out
    assert 'RandomResizedCrop(96, 0.2-1)' in out and 'mmmae-crop-decode / mmpretrain:' in out



def test_the_crop_decode_config_draws_the_plain_configs_crops(imagenet_like):
    configs = Path(__file__).parents[2] / 'configs' / 'mae'
    plain, fast = (build_pipeline(configs / f'mae_vit-base-p16_8xb512-amp-coslr-300e_in1k{suffix}.py',
                                  'mmmae') for suffix in ('', '-crop-decode'))
    errors = []
    for index, path in enumerate(imagenet_like):
        ours, theirs = (pipeline(dict(img_path=str(path), sample_idx=index)) for pipeline in (fast, plain))
        assert ours['inputs'].shape == theirs['inputs'].shape == (3, 224, 224)
        errors.append((ours['inputs'].int() - theirs['inputs']).abs().float().mean().item())
    assert np.mean(errors) < 0.5, errors  # whole decodes at 224 (no crop is twice it): resize only


def region_test_files(tmp_path: Path) -> list:
    """JPEGs of every chroma subsampling Pillow writes, grey, progressive, odd sizes."""
    photo = Image.fromarray(load_photo('chelsea'))  # 451 x 300
    odd = photo.crop((3, 5, 440, 298))  # 437 x 293: neither dimension a multiple of an iMCU
    files = [jpeg(tmp_path, f'sub{s}.jpg', photo, subsampling=s) for s in (0, 1, 2)]
    files += [jpeg(tmp_path, 'odd.jpg', odd), jpeg(tmp_path, 'odd444.jpg', odd, subsampling=0),
              jpeg(tmp_path, 'grey.jpg', odd.convert('L')),
              jpeg(tmp_path, 'progressive.jpg', odd, progressive=True)]
    return files


def test_region_decodes_are_opencvs_reduced_decodes_bit_for_bit(tmp_path):
    assert region_decode.turbojpeg_library() is not None  # requirements/runtime.txt installs it
    rng = np.random.default_rng(0)
    for path in region_test_files(tmp_path):
        data = path.read_bytes()
        size = jpeg_size(data)
        for factor in (1, 2, 4, 8):
            whole = cv2.imdecode(np.frombuffer(data, np.uint8),
                                 REDUCED_READS.get(factor, cv2.IMREAD_COLOR))
            height, width = whole.shape[:2]
            boxes = [(0, 0, height, width), (height - 1, width - 1, height, width)]
            for _ in range(12):
                top, left = rng.integers(0, height), rng.integers(0, width)
                boxes.append((top, left, rng.integers(top + 1, height + 1),
                              rng.integers(left + 1, width + 1)))
            for top, left, bottom, right in boxes:
                region = region_decode.decode_region(data, (top, left, bottom, right), factor, size)
                np.testing.assert_array_equal(region, whole[top:bottom, left:right],
                                              err_msg=f'{path.name} x1/{factor} {top, left, bottom, right}')


def test_crops_are_the_same_with_or_without_the_region_decoder(tmp_path, photos, imagenet_like,
                                                               monkeypatch):
    files = [*region_test_files(tmp_path), *sorted(photos.rglob('*.jpg')), *imagenet_like]
    coffee = Image.fromarray(load_photo('coffee'))
    files.append(jpeg(tmp_path, 'cmyk.jpg', coffee.convert('CMYK')))  # TurboJPEG gives no BGR
    corrupt = bytearray(jpeg(tmp_path, 'corrupt.jpg', coffee).read_bytes())
    corrupt[len(corrupt) // 2:len(corrupt) // 2 + 64] = bytes(range(64))  # scan bytes, markers kept
    files[-1].with_name('corrupt.jpg').write_bytes(bytes(corrupt))
    files.append(files[-1].with_name('corrupt.jpg'))
    refused = []
    real = region_decode.decode_region
    monkeypatch.setattr(crop_decode, 'decode_region', lambda data, *args: (
        real(data, *args) if real(data, *args) is not None else refused.append(data)))
    for size in (64, 128, 224):
        ours = LoadRandomResizedCrop(scale=size, **MAE)
        with_region = [run(ours, path, seed) for seed, path in enumerate(files * 2)]
        with monkeypatch.context() as without:
            without.setattr(crop_decode, 'decode_region', lambda *args: None)
            for seed, path in enumerate(files * 2):
                assert_same_results(with_region[seed], run(ours, path, seed))
    refused_names = {path.name for path in files if path.read_bytes() in refused}
    assert 'cmyk.jpg' in refused_names and refused_names <= {'cmyk.jpg', 'corrupt.jpg'}



def test_without_a_turbojpeg_3_library_the_region_decoder_declines(monkeypatch):
    import ctypes.util
    older = ctypes.util.find_library('jpeg')  # libjpeg: no TurboJPEG API at all
    monkeypatch.setattr(region_decode, '_library_candidates', lambda: ['/no/such/lib.so', older])
    region_decode.turbojpeg_library.cache_clear()
    try:
        assert region_decode.turbojpeg_library() is None
        assert region_decode.decode_region(b'', (0, 0, 1, 1), 1, (1, 1)) is None
    finally:
        region_decode.turbojpeg_library.cache_clear()


def test_flip_prob_is_a_following_random_flip(photos, imagenet_like):
    from mmcv.transforms import RandomFlip
    fused = LoadRandomResizedCrop(scale=96, flip_prob=0.5, **MAE)
    pair = Compose([LoadRandomResizedCrop(scale=96, **MAE), RandomFlip(prob=0.5)])
    flips = []
    for seed, path in enumerate([*sorted(photos.rglob('*.jpg')), *imagenet_like] * 2):
        ours, next_after_ours = run(fused, path, seed), np.random.random_sample()
        theirs, next_after_theirs = run(pair, path, seed), np.random.random_sample()
        assert_same_results(ours, theirs)
        assert (ours['flip'], ours['flip_direction']) == (theirs['flip'], theirs['flip_direction'])
        assert next_after_ours == next_after_theirs  # the same number of draws
        flips.append(ours['flip'])
    assert 0 < sum(flips) < len(flips)
