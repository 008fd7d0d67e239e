"""Folders of real photographs for examples, tests and benchmarks (scikit-image's photographs).

``write_photo_folder`` saves the photographs that ship with scikit-image into nested folders
as JPEG, PNG and WebP files, in RGB, greyscale, RGBA and palette modes and at their own,
differing sizes (102 to 1411 pixels a side). It is the example data of the custom-folder
pretraining config and of its tests: what works on it works on a user's folder of photos.

``write_imagenet_like`` writes many JPEGs in ImageNet's layout and sizes, cropped and scaled from
the colour photographs: for decode and training benchmarks.

scikit-image is imported when a photograph is loaded: it is a test and example requirement, not
one of mmmae's runtime requirements.
"""
import os
from pathlib import Path
from typing import Tuple, Union

import numpy as np
from PIL import Image

from .mnist5k import atomic_folder

# file (relative to the root) -> (scikit-image photograph, PIL mode to save it in)
PHOTOS = {
    'outdoor/astronaut.jpg': ('astronaut', 'RGB'),
    'outdoor/rocket.jpg': ('rocket', 'RGB'),
    'outdoor/street/motorcycle_left.webp': ('stereo_motorcycle', 'RGB'),
    'outdoor/street/camera.png': ('camera', 'L'),
    'animals/chelsea.png': ('chelsea', 'RGBA'),
    'animals/horse.png': ('horse', 'L'),
    'objects/coffee.jpg': ('coffee', 'RGB'),
    'objects/coins.jpg': ('coins', 'L'),
    'objects/clock.png': ('clock', 'L'),
    'objects/colorwheel.png': ('colorwheel', 'P'),
    'objects/logo.png': ('logo', 'RGBA'),
    'science/hubble_deep_field.jpg': ('hubble_deep_field', 'RGB'),
    'science/immunohistochemistry.webp': ('immunohistochemistry', 'RGB'),
    'science/retina.jpg': ('retina', 'RGB'),
    'science/moon.png': ('moon', 'L'),
    'science/cell.png': ('cell', 'L'),
    'science/microaneurysms.png': ('microaneurysms', 'L'),
    'textures/brick.jpg': ('brick', 'L'),
    'textures/grass.webp': ('grass', 'L'),
    'textures/gravel.png': ('gravel', 'L'),
    'textures/checkerboard.webp': ('checkerboard', 'L'),
    'documents/page.png': ('page', 'L'),
    'documents/text.jpg': ('text', 'L'),
}


def load_photo(name: str) -> np.ndarray:
    """A scikit-image photograph as uint8 (boolean masks become 0 / 255; pairs give the first)."""
    from skimage import data as photos
    image = getattr(photos, name)()
    if isinstance(image, tuple):
        image = image[0]
    if image.dtype == bool:
        image = image.astype(np.uint8) * 255
    return image


def write_photo_folder(root: Union[str, os.PathLike]) -> Path:
    """Write the photographs under ``root`` unless it is already complete; return ``root``."""
    root = Path(root)
    if all((root / rel).is_file() for rel in PHOTOS):
        return root
    with atomic_folder(root) as tmp:
        for rel, (name, mode) in PHOTOS.items():
            image = Image.fromarray(load_photo(name))
            if mode == 'P':
                image = image.convert('RGB').quantize(colors=64)
            else:
                image = image.convert(mode)
            path = tmp / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            lossy = path.suffix in ('.jpg', '.webp')
            image.save(path, **(dict(quality=90) if lossy else {}))
    return root


# ImageNet's training images: mostly 500 px on the long side, 333-375 on the short, JPEG
IMAGENET_LONG_SIDE = (400, 500)
IMAGENET_ASPECT = (0.66, 0.9)


def write_imagenet_like(root: Union[str, os.PathLike], count: int, classes: int = 10,
                        seed: int = 0, held_out: int = 0,
                        crop_width: Tuple[float, float] = (0.5, 1.0)) -> Path:
    """Write ``count`` RGB JPEGs (quality 90) as ``root/train/n<class>/<index>.JPEG``, each a
    random crop of a colour photograph scaled to ImageNet's sizes, and their list
    ``root/meta/train.txt``; with ``held_out``, that many more crops, drawn after them, as
    ``root/val/`` and ``root/meta/val.txt``. Image ``i`` is cut from photograph ``i % 10`` and
    labelled ``i % classes``: with the default 10 classes the label names the photograph, so a
    held-out crop's class is learnable. A crop spans ``crop_width`` (fractions) of its
    photograph's width: narrow crops make a harder held-out task. Nothing is written when
    ``root`` already holds the same set; returns ``root``. The ImageNet pretraining configs read it with
    ``train_dataloader.dataset.data_root=root``."""
    root = Path(root)
    done = root / '.complete'
    stamp = f'{count} {classes} {seed} {held_out} {tuple(crop_width)}'
    if done.is_file() and done.read_text() == stamp:
        return root
    rng = np.random.default_rng(seed)
    sources = [Image.fromarray(load_photo(name)).convert('RGB')
               for name, mode in PHOTOS.values() if mode != 'L']
    with atomic_folder(root) as tmp:
        (tmp / 'meta').mkdir()
        for split, indices in (('train', range(count)), ('val', range(count, count + held_out))):
            lines = []
            for index in indices:
                label = index % classes
                rel = f'n{label:08d}/{index:06d}.JPEG'
                (tmp / split / rel).parent.mkdir(parents=True, exist_ok=True)
                crop = imagenet_like_crop(sources[index % len(sources)], rng, crop_width)
                crop.save(tmp / split / rel, quality=90)
                lines.append(f'{rel} {label}\n')
            if lines:
                (tmp / 'meta' / f'{split}.txt').write_text(''.join(lines))
        (tmp / '.complete').write_text(stamp)
    return root


def imagenet_like_crop(source: Image.Image, rng: np.random.Generator,
                       crop_width: Tuple[float, float] = (0.5, 1.0)) -> Image.Image:
    """A random crop of ``source``, ``crop_width`` (fractions) of its width, at an ImageNet
    training image's size, flipped half the time."""
    long_side = int(rng.integers(*IMAGENET_LONG_SIDE, endpoint=True))
    short_side = int(long_side * rng.uniform(*IMAGENET_ASPECT))
    width = int(source.width * rng.uniform(*crop_width))
    height = min(source.height, int(width * short_side / long_side))
    left = int(rng.integers(0, source.width - width + 1))
    top = int(rng.integers(0, source.height - height + 1))
    image = source.crop((left, top, left + width, top + height)).resize(
        (long_side, short_side), Image.BICUBIC)
    return image.transpose(Image.FLIP_LEFT_RIGHT) if rng.random() < 0.5 else image
