"""Multispectral-temporal segmentation through MMSegmentation: generated land-cover band stacks,
a Prithvi-like demo MAE pretrained on them, and UperNet (EncoderDecoder) on its N-band encoder
trained from that checkpoint with tools/train.py."""
import json
import subprocess
import sys

import numpy as np
from PIL import Image

from conftest import ROOT
from mmmae.datasets import LAND_COVER_CLASSES, write_land_cover
from mmmae.datasets.land_cover import land_cover_scene
from mmmae.datasets.transforms import LoadBandStack, StackTimeInChannels

PRETRAIN = ROOT / 'configs' / 'mae' / 'prithvi-like_vit-demo-p4_1xb32-coslr-20e_land-cover.py'
SEGMENT = (ROOT / 'configs' / 'mae' / 'benchmarks' /
           'upernet_prithvi-like_vit-demo-p4_1xb8-poly-500i_land-cover.py')


def test_scenes_are_reproducible_and_cropland_needs_the_time_series():
    stack, label = land_cover_scene(np.random.default_rng(3), size=32, num_frames=3)
    again, _ = land_cover_scene(np.random.default_rng(3), size=32, num_frames=3)
    assert stack.shape == (3, 32, 32, 6) and stack.dtype == np.uint16 and np.array_equal(stack, again)
    assert label.shape == (32, 32) and set(np.unique(label)) <= set(range(len(LAND_COVER_CLASSES)))
    crop = stack[:, label == 2] if (label == 2).any() else None
    if crop is not None:  # cropland's NIR rises over time; forest's stays
        assert crop[-1, :, 3].mean() > 1.2 * crop[0, :, 3].mean()


def test_stacks_fold_time_into_channels_in_order(tmp_path):
    root = write_land_cover(tmp_path / 'lc', num_train=2, num_val=1)
    path = root / 'stacks' / 'training' / '0000.npy'
    results = LoadBandStack(num_bands=6, num_frames=3)(dict(img_path=str(path)))
    stack = results['img'].copy()
    image = StackTimeInChannels()(results)['img']
    assert image.shape == (32, 32, 18)
    assert np.array_equal(image[..., 1 * 6 + 4], stack[1, ..., 4])  # channel t * bands + b
    label = np.asarray(Image.open(root / 'labels' / 'training' / '0000.png'))
    assert label.shape == (32, 32)


def test_upernet_segments_band_stacks_from_a_pretrained_prithvi_like_encoder(tmp_path):
    data = write_land_cover(tmp_path / 'land_cover', num_train=24, num_val=8)
    pre = tmp_path / 'pre'
    proc = subprocess.run(
        [sys.executable, 'tools/train.py', str(PRETRAIN), '--work-dir', str(pre), '--cfg-options',
         f'train_dataloader.dataset.data_root={data}', 'train_dataloader.batch_size=8',
         'train_dataloader.num_workers=0', 'train_dataloader.persistent_workers=False',
         'train_cfg.max_epochs=1', 'default_hooks.checkpoint.interval=1'],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    work = tmp_path / 'seg'
    loaders = ('train_dataloader', 'val_dataloader', 'test_dataloader')
    proc = subprocess.run(
        [sys.executable, 'tools/train.py', str(SEGMENT), '--work-dir', str(work), '--cfg-options',
         f'model.backbone.init_cfg.checkpoint={pre / "epoch_1.pth"}', 'train_cfg.max_iters=60',
         'train_cfg.val_interval=60', 'default_hooks.checkpoint.interval=60',
         *[f'{loader}.{key}' for loader in loaders
           for key in (f'dataset.data_root={data}', 'num_workers=0', 'persistent_workers=False')]],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log[-3000:]
    assert 'load backbone. from' in log and 'missing keys' not in log  # the whole encoder loaded
    records = [json.loads(line) for path in work.glob('*/vis_data/scalars.json')
               for line in path.read_text().splitlines()]
    miou = [r['mIoU'] for r in records if 'mIoU' in r]
    # four classes in regions: a constant prediction scores at most 25
    assert len(miou) == 1 and miou[0] > 40
