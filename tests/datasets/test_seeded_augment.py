"""Augmentations are a pure function of (seed, epoch, sample index): not of workers or history."""
import pickle
import random

import numpy as np
import pytest
import torch
from mmengine.dataset import DefaultSampler, default_collate
from mmengine.registry import DefaultScope
from torch.utils.data import DataLoader

from mmmae.datasets import SampleIndex, SeededAugment, SeededSampler
from mmmae.registry import DATASETS

CROP = dict(type='RandomResizedCrop', scale=16, crop_ratio_range=(0.2, 1.0), backend='pillow')


def dataset(mnist_root, seeded: bool = True):
    random_part = [CROP, dict(type='RandomFlip', prob=0.5)]
    pipeline = [dict(type='LoadImage'),
                *([dict(type='SeededAugment', transforms=random_part)] if seeded else random_part),
                dict(type='PackInputs')]
    with DefaultScope.overwrite_default_scope('mmmae'):
        return DATASETS.build(dict(type='mmpretrain.CustomDataset', data_root=str(mnist_root),
                                   ann_file='meta/train.txt', indices=32, pipeline=pipeline))


def epochs_of_batches(data, workers: int, persistent: bool, sampler_type=SeededSampler, epochs=2):
    sampler = sampler_type(data, shuffle=True, seed=7)
    loader = DataLoader(data, batch_size=8, sampler=sampler, num_workers=workers,
                        persistent_workers=persistent, collate_fn=default_collate)
    out = []
    for epoch in range(epochs):
        sampler.set_epoch(epoch)
        out.append([batch['inputs'].clone() for batch in loader])
    return out


def test_the_sample_index_keeps_its_seed_and_epoch_through_pickling():
    index = pickle.loads(pickle.dumps(SampleIndex(5, seed=3, epoch=2)))
    assert (int(index), index.seed, index.epoch) == (5, 3, 2) and [10, 11, 12, 13, 14, 15][index] == 15


def test_the_sampler_keeps_mmengines_order_and_attaches_seed_and_epoch():
    data = list(range(10))
    ours, theirs = SeededSampler(data, shuffle=True, seed=4), DefaultSampler(data, shuffle=True, seed=4)
    ours.set_epoch(3)
    theirs.set_epoch(3)
    drawn = list(ours)
    assert drawn == list(theirs) and {(i.seed, i.epoch) for i in drawn} == {(4, 3)}


def test_same_key_same_augmentation_and_the_global_generators_are_left_alone(mnist_root):
    data = dataset(mnist_root)
    random.seed(1)
    np.random.seed(1)
    torch.manual_seed(1)
    before = random.getstate(), np.random.get_state()[1].copy(), torch.get_rng_state()
    first = data[SampleIndex(3, seed=0, epoch=1)]['inputs']
    assert torch.equal(first, data[SampleIndex(3, seed=0, epoch=1)]['inputs'])
    assert not torch.equal(first, data[SampleIndex(3, seed=0, epoch=2)]['inputs'])
    assert not torch.equal(first, data[SampleIndex(3, seed=1, epoch=1)]['inputs'])
    assert random.getstate() == before[0] and np.array_equal(np.random.get_state()[1], before[1])
    assert torch.equal(torch.get_rng_state(), before[2])


@pytest.mark.parametrize('workers,persistent', [(2, True), (3, False)])
def test_workers_load_exactly_what_the_main_process_loads(mnist_root, workers, persistent):
    data = dataset(mnist_root)
    expected = epochs_of_batches(data, 0, False)
    got = epochs_of_batches(data, workers, persistent)
    for epoch_got, epoch_expected in zip(got, expected):
        assert all(torch.equal(a, b) for a, b in zip(epoch_got, epoch_expected))
    assert not torch.equal(expected[0][0], expected[1][0])  # and epochs differ


def test_without_it_workers_change_the_augmentations(mnist_root):
    """The control: the same random transforms outside SeededAugment."""
    data = dataset(mnist_root, seeded=False)
    torch.manual_seed(0)
    expected = epochs_of_batches(data, 0, False, DefaultSampler, epochs=1)[0]
    torch.manual_seed(0)
    got = epochs_of_batches(data, 2, True, DefaultSampler, epochs=1)[0]
    assert not all(torch.equal(a, b) for a, b in zip(got, expected))


def test_an_index_without_seed_counts_as_epoch_zero_of_seed_zero(mnist_root):
    data = dataset(mnist_root)
    assert torch.equal(data[4]['inputs'], data[SampleIndex(4, seed=0, epoch=0)]['inputs'])
    with pytest.raises(KeyError, match="needs the sample's 'sample_idx'"):
        SeededAugment([CROP])(dict(img=np.zeros((8, 8, 3), np.uint8)))
