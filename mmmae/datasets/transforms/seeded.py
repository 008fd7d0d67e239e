"""Random transforms whose draws are a pure function of (seed, epoch, sample index)."""
import random
from contextlib import contextmanager
from typing import Iterator, List, Optional, Union

import numpy as np
import torch
from mmcv.transforms import BaseTransform
from mmengine.dataset import Compose
from torch.utils.data import get_worker_info

from mmmae.registry import TRANSFORMS


def sample_seed(seed: int, epoch: int, index: int) -> int:
    """A 32-bit seed for one sample in one epoch of a run, mixed by numpy's ``SeedSequence``
    (neighbouring indices or epochs give unrelated streams)."""
    return int(np.random.SeedSequence([seed, epoch, index]).generate_state(1)[0])


def _seed_all(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.default_generator.manual_seed(seed)


@contextmanager
def seeded_global_rngs(seed: int) -> Iterator[None]:
    """Python's ``random``, numpy's global and torch's CPU generator seeded with ``seed`` inside:
    the transforms of MMCV, MMPretrain, MMDetection and torchvision draw from these. In the main
    process they are put back as they were after; a data loader worker, whose generators serve
    only the samples it loads and are seeded again for each, skips that (about 70 us a sample,
    a tenth of an ImageNet crop's loading).
    """
    if get_worker_info() is not None:
        _seed_all(seed)
        yield
        return
    python_state, numpy_state = random.getstate(), np.random.get_state()
    with torch.random.fork_rng(devices=[]):
        _seed_all(seed)
        try:
            yield
        finally:
            random.setstate(python_state)
            np.random.set_state(numpy_state)


@TRANSFORMS.register_module()
class SeededAugment(BaseTransform):
    """Run ``transforms`` with random numbers that depend only on (seed, epoch, sample index).

    With ``sampler=dict(type='SeededSampler')`` each sample's ``sample_idx`` carries the run's
    seed and the epoch (:class:`~mmmae.datasets.samplers.SampleIndex`), so a sample is
    augmented the same way whatever the number of workers, whether they persist, the number of
    ranks, and across a resume. A plain index (a dataset read outside such a sampler) counts as
    epoch 0 of seed 0. In the main process the global generators are restored afterwards (see
    :func:`seeded_global_rngs`).

    Args:
        transforms: the random transforms (crop, flip, ...), as pipeline dicts.
    """

    def __init__(self, transforms: List[Union[dict, callable]]) -> None:
        self.transforms = Compose(transforms)

    def transform(self, results: dict) -> Optional[dict]:
        index = results.get('sample_idx')
        if index is None:
            raise KeyError("SeededAugment needs the sample's 'sample_idx', which mmengine's "
                           'datasets set; put it in the pipeline of such a dataset')
        seed = sample_seed(getattr(index, 'seed', 0), getattr(index, 'epoch', 0), int(index))
        with seeded_global_rngs(seed):
            return self.transforms(results)

    def __repr__(self) -> str:
        return f'{type(self).__name__}(transforms={self.transforms.transforms})'
