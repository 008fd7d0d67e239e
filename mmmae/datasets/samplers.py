"""A sampler whose indices carry the run's seed and the epoch, for per-sample augmentation seeds."""
from typing import Iterator

from mmengine.dataset import DefaultSampler

from mmmae.registry import DATA_SAMPLERS


class SampleIndex(int):
    """A dataset index that also carries the run's ``seed`` and the ``epoch`` it is drawn in.

    It indexes like the plain int it is; :class:`~mmmae.datasets.SeededAugment` reads the
    two numbers from the ``sample_idx`` that mmengine's datasets copy into each sample. The
    index travels to the loader's worker processes with the numbers, so a persistent worker,
    started epochs ago, still knows the epoch of every sample it loads.
    """

    seed: int
    epoch: int

    def __new__(cls, index: int, seed: int, epoch: int) -> 'SampleIndex':
        value = super().__new__(cls, index)
        value.seed, value.epoch = int(seed), int(epoch)
        return value

    def __reduce__(self):
        return SampleIndex, (int(self), self.seed, self.epoch)

    def __repr__(self) -> str:
        return f'SampleIndex({int(self)}, seed={self.seed}, epoch={self.epoch})'


@DATA_SAMPLERS.register_module()
class SeededSampler(DefaultSampler):
    """mmengine's ``DefaultSampler`` (same order, shuffling, rank sharding and round-up) yielding
    :class:`SampleIndex` values: ``sampler=dict(type='SeededSampler', shuffle=True)``."""

    def __iter__(self) -> Iterator[SampleIndex]:
        return (SampleIndex(index, self.seed, self.epoch) for index in super().__iter__())
