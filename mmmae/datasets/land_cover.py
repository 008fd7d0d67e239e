"""Generated multispectral-temporal land-cover scenes, for testing and demonstrating N-band
segmentation (no real multispectral data ships in a package here).

Each scene is a Voronoi map of regions, each region one of four classes with an HLS-like
reflectance spectrum over 6 bands (blue, green, red, NIR, SWIR 1, SWIR 2); cropland greens up
over the time steps while forest stays the same, so telling them apart needs the time series
as well as the bands. Reflectances are scaled by 10,000 (as HLS stores them) and vary with a
smooth brightness field and pixel noise.

Layout under ``root`` (MMSegmentation's ``BaseSegDataset`` and MMPretrain's ``CustomDataset``
both read it)::

    stacks/{training,validation}/<i>.npy    [T, H, W, 6] uint16 band stacks
    labels/{training,validation}/<i>.png    class per pixel (0-3)
    meta/{training,validation}.txt          "stacks/training/0000.npy" per line (pretraining)
"""
import os
from pathlib import Path
from typing import Union

import numpy as np
from PIL import Image

from .mnist5k import atomic_folder

LAND_COVER_CLASSES = ('water', 'forest', 'cropland', 'bare')
# reflectance of blue, green, red, NIR, SWIR 1, SWIR 2
SPECTRA = np.array([
    [0.06, 0.05, 0.03, 0.02, 0.01, 0.005],  # water
    [0.03, 0.06, 0.03, 0.32, 0.16, 0.07],  # forest
    [0.07, 0.10, 0.12, 0.22, 0.24, 0.16],  # cropland, bare field at the first time step
    [0.12, 0.15, 0.20, 0.26, 0.33, 0.28],  # bare soil and built-up
])
CROP_GREEN = np.array([0.03, 0.06, 0.03, 0.34, 0.17, 0.07])  # cropland at the last time step


def class_spectra(num_frames: int) -> np.ndarray:
    """``[T, classes, 6]`` reflectances: cropland moves from bare field to green crop."""
    spectra = np.repeat(SPECTRA[None], num_frames, axis=0)
    for t in range(num_frames):
        growth = t / max(num_frames - 1, 1)
        spectra[t, 2] = (1 - growth) * SPECTRA[2] + growth * CROP_GREEN
    return spectra


def land_cover_scene(rng: np.random.Generator, size: int = 32, num_frames: int = 3,
                     num_regions: int = 6) -> tuple:
    """One scene: ``([T, size, size, 6] uint16 stack, [size, size] uint8 class map)``."""
    seeds = rng.uniform(0, size, size=(num_regions, 2))
    rows, cols = np.mgrid[:size, :size]
    distance = (rows[..., None] - seeds[:, 0]) ** 2 + (cols[..., None] - seeds[:, 1]) ** 2
    classes = rng.integers(0, len(LAND_COVER_CLASSES), size=num_regions)
    label = classes[distance.argmin(-1)].astype(np.uint8)
    coarse = rng.uniform(0.8, 1.2, size=(3, 3)).astype(np.float32)
    brightness = np.asarray(Image.fromarray(coarse).resize((size, size), Image.BILINEAR))
    reflectance = class_spectra(num_frames)[:, label] * brightness[None, ..., None]
    reflectance = reflectance + rng.normal(0, 0.01, size=reflectance.shape)
    return np.clip(reflectance * 10000, 0, 65535).astype(np.uint16), label


def write_land_cover(root: Union[str, os.PathLike], num_train: int = 400, num_val: int = 100,
                     size: int = 32, num_frames: int = 3, seed: int = 0) -> Path:
    """Write the scenes under ``root`` unless they are already complete; return ``root``."""
    root = Path(root)
    if (root / 'meta' / 'validation.txt').is_file():
        return root
    rng = np.random.default_rng(seed)
    with atomic_folder(root) as tmp:
        for split, count in (('training', num_train), ('validation', num_val)):
            (tmp / 'stacks' / split).mkdir(parents=True)
            (tmp / 'labels' / split).mkdir(parents=True)
            for index in range(count):
                stack, label = land_cover_scene(rng, size, num_frames)
                np.save(tmp / 'stacks' / split / f'{index:04d}.npy', stack)
                Image.fromarray(label).save(tmp / 'labels' / split / f'{index:04d}.png')
        (tmp / 'meta').mkdir()
        for split, count in (('training', num_train), ('validation', num_val)):
            (tmp / 'meta' / f'{split}.txt').write_text(
                ''.join(f'stacks/{split}/{index:04d}.npy\n' for index in range(count)))
    return root
