"""Indexed tar shards: a folder round-trips, a killed conversion resumes, fsspec URLs and data
loader workers read them, and a bad shard or index is named with the fix."""
import json
import pickle
import shutil
import tarfile
import uuid
from pathlib import Path

import fsspec
import numpy as np
import pytest
from conftest import ROOT, load_tool
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from torch.utils.data import DataLoader

from mmmae.datasets import (LoadImage, LoadShardBytes, LoadShardImage, ShardError, TarShardDataset,
                            folder_samples, write_shards)
from mmmae.registry import DATASETS

FIX = 're-run tools/dataset_converters/folder_to_shards.py SRC DST'


@pytest.fixture(scope='module')
def subset(mnist_root, tmp_path_factory):
    """An annotation list of 36 MNIST-5k training digits and its shards (about 12 a shard)."""
    ann = tmp_path_factory.mktemp('ann') / 'train36.txt'
    ann.write_text(''.join((mnist_root / 'meta' / 'train.txt').read_text().splitlines(True)[:36]))
    dst = tmp_path_factory.mktemp('shards') / 'mnist'
    load_tool('dataset_converters/folder_to_shards').main(
        [str(mnist_root), str(dst), '--ann-file', str(ann), '--shard-size', '0.012'])
    return ann, dst


def shard_dataset(root, on_error='stop', **kwargs):
    return TarShardDataset(data_root=str(root), pipeline=[LoadShardImage(on_error)], **kwargs)


def test_shards_hold_the_folder_dataset(mnist_root, subset):
    ann, dst = subset
    folder = DATASETS.build(dict(type='mmpretrain.CustomDataset', data_root=str(mnist_root),
                                 ann_file=str(ann), pipeline=[LoadImage()]))
    shards = shard_dataset(dst)
    index = json.loads((dst / 'index.json').read_text())
    assert len(index['shards']) == 3 and len(shards) == len(folder) == 36
    for i in range(len(folder)):
        ours, theirs = shards[i], folder[i]
        assert ours['gt_label'] == theirs['gt_label']
        assert np.array_equal(ours['img'], theirs['img'])
    for shard in index['shards']:  # plain tar: tarfile finds each member where the index says
        with tarfile.open(dst / shard['file']) as tar:
            for member in shard['members']:
                info = tar.getmember(member['name'])
                assert info.offset_data == member['offset']
                assert tar.extractfile(info).read() == (mnist_root / member['name']).read_bytes()


def test_class_folders_and_unlabelled_folders_read_as_custom_dataset(mnist_root, tmp_path):
    src, digit = tmp_path / 'src', next((mnist_root / 'train' / '0').iterdir())
    for rel in ('cat/1.png', 'cat/deep/2.png', 'dog/3.png', 'ant/4.PNG', 'ant/.hidden.png'):
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(digit, src / rel)
    for with_label in (True, False):
        custom = DATASETS.build(dict(type='mmpretrain.CustomDataset', data_root=str(src),
                                     with_label=with_label, extensions=('.png',)))
        samples, metainfo = folder_samples(src, with_label=with_label)
        write_shards(samples, tmp_path / f'shards-{with_label}', metainfo=metainfo)
        shards = TarShardDataset(data_root=str(tmp_path / f'shards-{with_label}'))
        assert [d['name'] for d in shards] == [
            Path(d['img_path']).relative_to(src).as_posix() for d in custom]
        assert [d.get('gt_label') for d in shards] == [d.get('gt_label') for d in custom]
        assert shards.metainfo.get('classes') == custom.metainfo.get('classes')
    with pytest.raises(ValueError, match=r'has no class subfolders; .*\(--no-labels\)'):
        folder_samples(src / 'dog')
    (tmp_path / 'notes').mkdir()
    (tmp_path / 'notes' / 'a.txt').write_text('not an image')
    with pytest.raises(ValueError, match='found no image in .*notes'):
        folder_samples(tmp_path / 'notes', with_label=False)


def counted(samples, reads):
    """``samples`` whose bytes are read lazily, each read appended to ``reads``."""
    def reader(name, read):
        return lambda: reads.append(name) or read()
    return [(name, reader(name, read), label) for name, read, label in samples]


def test_a_killed_conversion_resumes_to_the_same_shards(mnist_root, subset, tmp_path):
    ann, fresh = subset
    samples, _ = folder_samples(mnist_root, ann)

    def killed(record):
        if record['file'] == 'shard-00001.tar':
            raise KeyboardInterrupt

    dst = tmp_path / 'resumed'
    with pytest.raises(KeyboardInterrupt):
        write_shards(samples, dst, shard_size_mb=0.012, on_shard=killed)
    assert not (dst / 'index.json').exists()
    # as if killed while shard 1 was written and recorded: shard truncated, record torn
    progress = dst / 'progress.jsonl'
    progress.write_text(progress.read_text()[:-40])
    (dst / 'shard-00001.tar').write_bytes((dst / 'shard-00001.tar').read_bytes()[:3000])
    (dst / '.shard-00002.tar.x.partial').write_bytes(b'half')
    reads = []
    write_shards(counted(samples, reads), dst, shard_size_mb=0.012)
    assert (dst / 'index.json').read_text() == (fresh / 'index.json').read_text()
    assert sorted(p.name for p in dst.iterdir()) == sorted(p.name for p in fresh.iterdir())
    for shard in fresh.glob('shard-*.tar'):
        assert (dst / shard.name).read_bytes() == shard.read_bytes()
    first = json.loads((fresh / 'index.json').read_text())['shards'][0]['members']
    assert reads == [name for name, _, _ in samples[len(first):]]  # shard 0 was kept, not read
    reads.clear()
    write_shards(counted(samples, reads), dst, shard_size_mb=0.012)  # complete: nothing to do
    assert reads == []
    with pytest.raises(ShardError, match='the source changed since these shards were written'):
        write_shards(samples[1:], dst, shard_size_mb=0.012)


def test_fsspec_urls_read_end_to_end(subset):
    _, dst = subset
    local = [sample['img'] for sample in shard_dataset(dst)]
    url = f'memory://shards-{uuid.uuid4().hex}'
    memory = fsspec.filesystem('memory')
    for path in dst.iterdir():
        memory.pipe(f'{url}/{path.name}', path.read_bytes())
    try:
        for root in (url, f'file://{dst}'):
            images = [sample['img'] for sample in shard_dataset(root)]
            assert all(np.array_equal(a, b) for a, b in zip(images, local, strict=True))
    finally:
        memory.rm(url, recursive=True)


@pytest.fixture
def copy(subset, tmp_path):
    """A copy of the subset's shards, to damage; its first shard's record."""
    dst = tmp_path / 'copy'
    shutil.copytree(subset[1], dst)
    return dst, json.loads((dst / 'index.json').read_text())['shards'][0]


def truncate(path, record):
    path.write_bytes(path.read_bytes()[:record['members'][-1]['offset'] + 10])


def corrupt(path, record):
    data = bytearray(path.read_bytes())
    data[record['members'][-1]['offset'] + 30] ^= 0xFF
    path.write_bytes(bytes(data))


@pytest.mark.parametrize('damage, message', [
    (truncate, 'shard-00000.tar is truncated: {name} needs bytes'),
    (corrupt, '{name} in .*shard-00000.tar .* fails its sha256 check: the shard is corrupt'),
    (lambda path, _: path.unlink(), 'shard-00000.tar does not exist, but the index lists it'),
])
def test_a_bad_shard_is_named_with_the_fix_or_skipped(copy, subset, mnist_root, damage, message):
    dst, record = copy
    damage(dst / record['file'], record)
    last = len(record['members']) - 1
    with pytest.raises(ShardError, match=message.format(name=record['members'][-1]['name'])) as err:
        shard_dataset(dst)[last]
    assert FIX in str(err.value)
    skipping = shard_dataset(dst, on_error='skip')
    loader = skipping.pipeline.transforms[0]
    assert loader(skipping.get_data_info(last)) is None and loader.skipped == 1
    assert skipping[last]['img'].shape == (28, 28, 3)  # the dataset drew another sample
    if damage is corrupt:  # the fix the message gives
        (dst / record['file']).unlink()
    write_shards(folder_samples(mnist_root, subset[0])[0], dst, shard_size_mb=0.012)
    assert (dst / record['file']).read_bytes() == (subset[1] / record['file']).read_bytes()
    assert shard_dataset(dst)[last]['img'].shape == (28, 28, 3)


@pytest.mark.parametrize('text, message', [
    (None, 'index.json does not exist: the shards were not converted, or the conversion did not '
           'finish'),
    ('{"format": "mmmae-tar-shards/1", "shards": [', 'index.json does not parse'),
    ('{"images": []}', 'is not a shard index of format mmmae-tar-shards/1'),
])
def test_a_bad_index_is_named_with_the_fix(copy, text, message):
    dst, _ = copy
    if text is None:
        (dst / 'index.json').unlink()
    else:
        (dst / 'index.json').write_text(text)
    with pytest.raises(ShardError, match=message):
        shard_dataset(dst)


def test_data_loader_workers_reopen_the_shards(subset):
    _, dst = subset
    dataset = shard_dataset(dst)
    expected = [sample['img'] for sample in dataset]  # files opened in this process
    assert dataset.pipeline.transforms[0].reader._files
    copied = pickle.loads(pickle.dumps(dataset))
    assert not copied.pipeline.transforms[0].reader._files
    for method in ('fork', 'spawn'):
        loader = DataLoader(dataset, batch_size=5, num_workers=2, collate_fn=pseudo_collate,
                            multiprocessing_context=method)
        images = [image for batch in loader for image in batch['img']]
        assert all(np.array_equal(a, b) for a, b in zip(images, expected, strict=True)), method


def test_the_shard_configs_replace_only_the_loader(subset):
    for name, base in (('mnist5k-shards_bs64_mae', 'mnist5k_bs64_mae'),
                       ('imagenet-shards_bs512_mae', 'imagenet_bs512_mae')):
        cfg = Config.fromfile(str(ROOT / 'configs' / '_base_' / 'datasets' / f'{name}.py'))
        original = Config.fromfile(str(ROOT / 'configs' / '_base_' / 'datasets' / f'{base}.py'))
        dataset = cfg.train_dataloader.dataset
        assert dataset.type == 'TarShardDataset' and set(dataset) == {'type', 'data_root', 'pipeline'}
        assert dataset.pipeline[0].type == 'LoadShardImage'
        assert dataset.pipeline[1:] == original.train_dataloader.dataset.pipeline[1:]
        assert cfg.train_dataloader.sampler == original.train_dataloader.sampler
    dataset.data_root = str(subset[1])
    assert DATASETS.build(dataset)[0]['inputs'].shape == (3, 224, 224)


def test_shard_bytes_feed_the_crop_decode_as_the_files_do(mnist_root, subset):
    ann, dst = subset
    crop = dict(type='LoadRandomResizedCrop', scale=16, crop_ratio_range=(0.2, 1.0))
    shards = TarShardDataset(data_root=str(dst), pipeline=[
        LoadShardBytes(), dict(type='SeededAugment', transforms=[crop])])
    folder = DATASETS.build(dict(type='mmpretrain.CustomDataset', data_root=str(mnist_root),
                                 ann_file=str(ann), pipeline=[dict(type='SeededAugment', transforms=[crop])]))
    carried = LoadShardBytes()(shards.get_data_info(0))['img']
    assert carried.dtype == np.uint8 and carried.ndim == 1 and carried.flags.writeable
    for i in range(len(folder)):
        ours, theirs = shards[i], folder[i]
        assert ours['img'].shape == (16, 16, 3) and np.array_equal(ours['img'], theirs['img'])


def test_bad_shard_bytes_are_skipped_as_images_are(copy):
    dst, record = copy
    truncate(dst / record['file'], record)
    last = len(record['members']) - 1
    loader = LoadShardBytes(on_error='skip')
    dataset = TarShardDataset(data_root=str(dst), pipeline=[loader])
    assert loader(dataset.get_data_info(last)) is None and loader.skipped == 1
    with pytest.raises(ShardError, match='is truncated'):
        LoadShardBytes()(dataset.get_data_info(last))
