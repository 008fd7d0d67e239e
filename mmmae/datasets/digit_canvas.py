"""Detection / segmentation demo data: real MNIST-5k digits pasted onto small canvases.

Layout under ``root`` (the COCO files and the ADE20K-style folders share the images)::

    images/{training,validation}/000000.png        RGB canvases
    annotations/{training,validation}/000000.png   class maps (uint8)
    annotations/instances_{training,validation}.json   COCO instances

Each canvas (``size`` x ``size``, default 48) has a dark grey background (a random level up
to 30 plus Gaussian noise, sigma 4) and 1 to ``max_digits`` (default 2) digits, each a 28x28
MNIST-5k digit resized to ``DIGIT_SIZES`` (18 to 26 pixels, bilinear), drawn in a random
light grey (200 to 255) with its grey level as opacity, at a random place where its square
does not overlap another digit's. Grey on dark, at about the size the demo MAE saw them:
the canvases test transfer to new tasks (boxes, masks, several digits at any place), not to
a new colour domain. A digit's instance mask is its pixels with grey level >= 128 after
resizing; the COCO box is the mask's tight box, ``segmentation`` its RLE (pycocotools),
``area`` its pixel count, ``iscrowd`` 0; categories ``'0'`` to ``'9'`` have ids 1 to 10.
The class maps hold 0 for background and digit + 1 (the COCO category id) on the mask
pixels: load them without ``reduce_zero_label``, background counts as a class in mIoU.

Training canvases use only MNIST-5k training digits, validation canvases only its held-out
test digits (the fixed split of ``mnist5k.py``, so the demo MAE never saw them), each digit
at most once. Randomness comes from ``numpy.random.default_rng([seed, split])`` with split
0 for training and 1 for validation (``seed`` 0 by default): the output is reproducible.
Writing goes to a temporary folder renamed into place; a complete folder is left as it is.
"""
import json
import os
from pathlib import Path
from typing import List, Sequence, Tuple, Union

import numpy as np
from PIL import Image

from .mnist5k import atomic_folder, load_mnist5k, mnist5k_split

CLASSES = tuple(str(digit) for digit in range(10))
DIGIT_SIZES = (18, 26)  # side of the resized 28x28 MNIST square, inclusive range
SPLITS = (('training', 'train'), ('validation', 'test'))  # canvas split, MNIST-5k split
PLACEMENT_TRIES = 50


def paste_digits(digits: Sequence[np.ndarray], size: int,
                 rng: np.random.Generator) -> Tuple[np.ndarray, List[np.ndarray]]:
    """Paste 28x28 grey digits onto one canvas.

    Returns the ``[size, size, 3]`` uint8 image and one boolean ``[size, size]`` mask per
    digit placed, in order; a digit that finds no free place is left out (with those
    after it), so the masks never overlap.
    """
    background = rng.uniform(0, 30) + rng.normal(0, 4, (size, size, 1)).repeat(3, axis=2)
    image = np.clip(background, 0, 255)
    taken = np.zeros((size, size), dtype=bool)
    masks = []
    for digit in digits:
        side = int(rng.integers(DIGIT_SIZES[0], DIGIT_SIZES[1] + 1))
        for _ in range(PLACEMENT_TRIES):
            top, left = rng.integers(0, size - side + 1, 2)
            square = (slice(top, top + side), slice(left, left + side))
            if not taken[square].any():
                break
        else:
            break
        taken[square] = True
        grey = np.asarray(Image.fromarray(digit).resize((side, side), Image.BILINEAR))
        colour = rng.uniform(200, 255)
        alpha = grey[..., None] / 255.0
        image[square] = image[square] * (1 - alpha) + colour * alpha
        mask = np.zeros((size, size), dtype=bool)
        mask[square] = grey >= 128
        masks.append(mask)
    return image.round().astype(np.uint8), masks


def coco_annotation(mask: np.ndarray, label: int, image_id: int, ann_id: int) -> dict:
    """COCO instance entry of one boolean mask: RLE segmentation, tight box, pixel area."""
    from pycocotools import mask as mask_utils  # MMDetection's dependency; pretraining needs none
    rle = mask_utils.encode(np.asfortranarray(mask.astype(np.uint8)))
    return dict(id=ann_id, image_id=image_id, category_id=label + 1,
                bbox=[float(v) for v in mask_utils.toBbox(rle)], area=float(mask_utils.area(rle)),
                segmentation=dict(size=list(rle['size']), counts=rle['counts'].decode('ascii')),
                iscrowd=0)


def write_split(root: Path, split: str, digits: np.ndarray, labels: np.ndarray,
                num_canvases: int, size: int, max_digits: int,
                rng: np.random.Generator) -> None:
    """Write ``num_canvases`` canvases of one split (images, class maps, COCO json)."""
    needed = num_canvases * max_digits
    if needed > len(digits):
        raise ValueError(f'{num_canvases} {split} canvases with up to {max_digits} digits may '
                         f'need {needed} digits; the MNIST-5k split has only {len(digits)}')
    for folder in ('images', 'annotations'):
        (root / folder / split).mkdir(parents=True)
    order = rng.permutation(len(digits))
    images, annotations, used = [], [], 0
    for image_id in range(num_canvases):
        wanted = order[used:used + int(rng.integers(1, max_digits + 1))]
        canvas, masks = paste_digits(digits[wanted], size, rng)
        used += len(masks)
        class_map = np.zeros((size, size), dtype=np.uint8)
        for index, mask in zip(wanted, masks):
            class_map[mask] = labels[index] + 1
            annotations.append(coco_annotation(mask, int(labels[index]), image_id,
                                               len(annotations)))
        name = f'{image_id:06d}.png'
        Image.fromarray(canvas, mode='RGB').save(root / 'images' / split / name)
        Image.fromarray(class_map, mode='L').save(root / 'annotations' / split / name)
        images.append(dict(id=image_id, file_name=f'{split}/{name}', height=size, width=size))
    categories = [dict(id=index + 1, name=name) for index, name in enumerate(CLASSES)]
    (root / 'annotations' / f'instances_{split}.json').write_text(json.dumps(
        dict(images=images, annotations=annotations, categories=categories)))


def write_digit_canvas(root: Union[str, os.PathLike], num_train: int = 2000,
                       num_val: int = 200, size: int = 48, max_digits: int = 2,
                       seed: int = 0) -> Path:
    """Write the canvases under ``root`` unless it is already complete; return ``root``.

    A complete ``root`` is returned as it is whatever the arguments: delete it to write
    another variant.
    """
    root = Path(root)
    if (root / 'annotations' / 'instances_validation.json').is_file():
        return root
    if size < DIGIT_SIZES[1]:
        raise ValueError(f'size {size} is smaller than the largest digit ({DIGIT_SIZES[1]})')
    if min(num_train, num_val, max_digits) < 1:
        raise ValueError('num_train, num_val and max_digits must be at least 1, got '
                         f'{num_train}, {num_val}, {max_digits}')
    digits, labels = load_mnist5k()
    split_rows = mnist5k_split()
    counts = dict(training=num_train, validation=num_val)
    with atomic_folder(root) as tmp:
        for index, (split, mnist_split) in enumerate(SPLITS):
            rows = split_rows[mnist_split]
            write_split(tmp, split, digits[rows], labels[rows], counts[split], size, max_digits,
                        np.random.default_rng([seed, index]))
    return root
