"""The digit-canvas converter: valid COCO instances and class maps that follow the digit pixels."""
import json

import numpy as np
import pytest
from PIL import Image
from pycocotools.coco import COCO

from conftest import load_tool

from mmmae.datasets import write_digit_canvas
from mmmae.datasets.digit_canvas import CLASSES, paste_digits

mnist5k_to_det_seg = load_tool('dataset_converters/mnist5k_to_det_seg').main


def test_coco_instances_match_the_digit_pixels_and_the_class_maps(canvas_root):
    for split, count in (('training', 24), ('validation', 12)):
        coco = COCO(str(canvas_root / 'annotations' / f'instances_{split}.json'))
        assert [c['name'] for c in coco.loadCats(coco.getCatIds())] == list(CLASSES)
        assert len(coco.getImgIds()) == count
        for image_id in coco.getImgIds():
            info = coco.loadImgs(image_id)[0]
            image = np.asarray(Image.open(canvas_root / 'images' / info['file_name']))
            class_map = np.asarray(Image.open(canvas_root / 'annotations' / info['file_name']))
            assert image.shape == (48, 48, 3) and class_map.shape == (48, 48)
            anns = coco.loadAnns(coco.getAnnIds(imgIds=image_id))
            assert 1 <= len(anns) <= 2
            expected = np.zeros_like(class_map)
            for ann in anns:
                mask = coco.annToMask(ann).astype(bool)
                assert ann['iscrowd'] == 0 and ann['area'] == mask.sum() > 0
                assert not expected[mask].any()  # instances never overlap
                expected[mask] = ann['category_id']
                rows, cols = np.nonzero(mask)
                x, y, w, h = ann['bbox']
                assert (x, y, x + w, y + h) == (cols.min(), rows.min(), cols.max() + 1,
                                                rows.max() + 1)
            assert np.array_equal(class_map, expected)
            brightest = image.max(-1)  # digits: bright strokes on a dark background
            assert brightest[class_map > 0].mean() > brightest[class_map == 0].mean() + 60


def test_paste_keeps_masks_apart_and_draws_the_digit_where_its_mask_is():
    digit = np.zeros((28, 28), dtype=np.uint8)
    digit[4:24, 12:16] = 255  # a "1"
    image, masks = paste_digits([digit] * 3, 48, np.random.default_rng(0))
    assert len(masks) >= 1
    assert sum(m.sum() for m in masks) == np.logical_or.reduce(masks).sum()  # disjoint
    assert (image[..., 0] == image[..., 1]).all() and (image[..., 1] == image[..., 2]).all()  # grey
    for mask in masks:  # opacity >= 0.5 of a grey level >= 200 over a background <= 30 + noise
        assert image[mask].min() >= 100 and image[~np.logical_or.reduce(masks)].mean() < 40


def test_writing_again_is_a_no_op_and_leaves_no_partial_folder(canvas_root):
    training = json.loads((canvas_root / 'annotations' / 'instances_training.json').read_text())
    stamp = (canvas_root / 'annotations' / 'instances_validation.json').stat().st_mtime_ns
    assert write_digit_canvas(canvas_root, num_train=5) == canvas_root
    assert (canvas_root / 'annotations' / 'instances_validation.json').stat().st_mtime_ns == stamp
    assert len(training['images']) == 24
    assert not (canvas_root.parent / (canvas_root.name + '.partial')).exists()


def test_bad_arguments_are_refused_with_a_reason(tmp_path):
    with pytest.raises(ValueError, match='smaller than the largest digit'):
        write_digit_canvas(tmp_path / 'a', size=16)
    with pytest.raises(ValueError, match='at least 1'):
        write_digit_canvas(tmp_path / 'b', num_val=0)
    with pytest.raises(ValueError, match='the MNIST-5k split has only 1000'):
        write_digit_canvas(tmp_path / 'c', num_train=1, num_val=600)


def test_converter_cli(tmp_path, capsys):
    mnist5k_to_det_seg(['--out', str(tmp_path / 'canvas'), '--num-train', '2',
                             '--num-val', '1', '--max-digits', '1'])
    coco = COCO(str(tmp_path / 'canvas' / 'annotations' / 'instances_validation.json'))
    assert len(coco.getAnnIds()) == 1 and 'instances' in capsys.readouterr().out
