"""A folder of unlabelled photographs in the shapes users' own collections come in.

``write_photo_folder`` saves the photographs that ship with scikit-image into nested folders
as JPEG, PNG and WebP files, in RGB, greyscale, RGBA and palette modes and at their own,
differing sizes (102 to 1411 pixels a side). It is the example data of the custom-folder
pretraining config and of its tests: what works on it works on a user's folder of photos.
"""
import os
from pathlib import Path
from typing import Union

import numpy as np
from PIL import Image
from skimage import data as photos

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
