"""Moving MNIST-5k: each MNIST-5k digit as a clip of it moving across a canvas (bouncing off the
edges, Srivastava et al. 2015 style); the label is the digit.

Layout under ``root`` (MMPretrain's ``CustomDataset`` format, one band stack per clip)::

    train/<label>/<index>.npy   test/<label>/<index>.npy     ([T, H, W, 1] uint8)
    meta/train.txt              meta/test.txt                ("train/3/0042.npy 3" per line)

The split is MNIST-5k's (4,000 train, 1,000 test digits, :func:`mnist5k_split`). Each clip's
motion is drawn from ``numpy.random.default_rng([MOTION_SEED, index])``, so the data set is the
same on every machine. ``LoadBandStack(num_bands=1)`` reads the clips.
"""
import os
from pathlib import Path
from typing import Union

import numpy as np
from PIL import Image

from .mnist5k import write_mnist5k_splits

MOTION_SEED = 5


def moving_digit_clip(digit: np.ndarray, rng: np.random.Generator, num_frames: int = 8,
                      canvas: int = 32, digit_size: int = 24, max_speed: float = 3.0) -> np.ndarray:
    """``[num_frames, canvas, canvas]`` uint8: ``digit`` (resized to ``digit_size``) starting at a
    random place and moving at a random velocity of at most ``max_speed`` pixels a frame,
    bouncing off the edges."""
    if digit_size > canvas:
        raise ValueError(f'digit_size {digit_size} does not fit a canvas of {canvas}')
    small = np.asarray(Image.fromarray(digit).resize((digit_size, digit_size), Image.BILINEAR))
    room = canvas - digit_size
    position = rng.uniform(0, room, size=2)
    angle, speed = rng.uniform(0, 2 * np.pi), rng.uniform(1.0, max_speed)
    velocity = speed * np.array([np.sin(angle), np.cos(angle)])
    clip = np.zeros((num_frames, canvas, canvas), np.uint8)
    for frame in range(num_frames):
        top, left = np.round(position).astype(int)
        clip[frame, top:top + digit_size, left:left + digit_size] = small
        position = position + velocity
        for axis in range(2):  # reflect at the edges
            if not 0 <= position[axis] <= room:
                velocity[axis] = -velocity[axis]
                position[axis] = np.clip(-position[axis] if position[axis] < 0 else
                                         2 * room - position[axis], 0, room)
    return clip


def write_moving_mnist5k(root: Union[str, os.PathLike], num_frames: int = 8, canvas: int = 32,
                         digit_size: int = 24) -> Path:
    """Write the clips under ``root`` unless they are already complete; return ``root``."""
    def save(digit: np.ndarray, index: int, path: Path) -> None:
        rng = np.random.default_rng([MOTION_SEED, index])
        np.save(path, moving_digit_clip(digit, rng, num_frames, canvas, digit_size)[..., None])
    return write_mnist5k_splits(root, '.npy', save)
