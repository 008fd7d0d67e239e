"""Multispectral band stacks from .npy and GeoTIFF files: shapes, dtypes, bad files named, and
a Prithvi-like MAE trained on generated stacks through tools/train.py."""
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import tifffile

from conftest import ROOT
from mmmae.datasets.transforms import BadBandStackError, LoadBandStack, loading

CONFIG = ROOT / 'configs' / 'mae' / 'prithvi-like_vit-base-p16_8xb32-coslr-300e_hls.py'


def smooth_stack(rng: np.random.Generator, frames: int = 3, size: int = 40, bands: int = 6) -> np.ndarray:
    """A generated reflectance-like stack ``[T, H, W, bands]``: smooth fields per band, drifting
    over time, uint16 on HLS's x10000 scale (no real multispectral data ships in a package here)."""
    y, x = np.mgrid[:size, :size] / size
    waves = [np.sin(2 * np.pi * (rng.uniform(0.5, 2) * x + rng.uniform(0.5, 2) * y + rng.uniform()))
             for _ in range(bands)]
    stack = np.stack([np.stack([w + 0.2 * t for w in waves], -1) for t in range(frames)])
    return ((stack + 2) * 1500).astype(np.uint16)


def test_npy_and_geotiff_stacks_load_bands_last(tmp_path):
    stack = smooth_stack(np.random.default_rng(0))
    np.save(tmp_path / 'a.npy', stack)
    tifffile.imwrite(tmp_path / 'a.tif', stack)
    np.save(tmp_path / 'one.npy', stack[0])
    load = LoadBandStack(num_bands=6, num_frames=3)
    for name in ('a.npy', 'a.tif'):
        out = load(dict(img_path=str(tmp_path / name)))
        assert np.array_equal(out['img'], stack) and out['img'].dtype == np.uint16
        assert out['ori_shape'] == (40, 40)
    assert LoadBandStack(num_bands=6)(dict(img_path=str(tmp_path / 'one.npy')))['img'].shape == (1, 40, 40, 6)


def test_bad_stacks_are_named_with_the_fix(tmp_path, monkeypatch):
    stack = smooth_stack(np.random.default_rng(1))
    np.save(tmp_path / 'four.npy', stack[..., :4])
    np.save(tmp_path / 'two_steps.npy', stack[:2])
    (tmp_path / 'broken.npy').write_bytes(b'\x93NUMPY garbage')
    cases = [('four.npy', r'has shape \(3, 40, 40, 4\), expected \[H, W, 6\]'),
             ('two_steps.npy', 'has 2 time steps, the model takes 3'),
             ('broken.npy', 'cannot be read as a band stack'),
             ('missing.tif', 'cannot be read as a band stack'),
             ('image.png', 'is not a band stack')]
    load = LoadBandStack(num_bands=6, num_frames=3)
    for name, message in cases:
        with pytest.raises(BadBandStackError, match=message):
            load(dict(img_path=str(tmp_path / name)))
    logged = []
    monkeypatch.setattr(loading, 'print_log', lambda text, **kw: logged.append(text))
    skipping = LoadBandStack(num_bands=6, num_frames=3, on_error='skip')
    assert skipping(dict(img_path=str(tmp_path / 'four.npy'))) is None and skipping.skipped == 1
    assert 'has shape' in logged[0]


def test_a_prithvi_like_mae_trains_on_band_stacks(tmp_path):
    rng = np.random.default_rng(2)
    data = tmp_path / 'hls'
    (data / 'stacks').mkdir(parents=True)
    for index in range(16):
        np.save(data / 'stacks' / f'{index:02d}.npy', smooth_stack(rng))
    (data / 'train.txt').write_text(''.join(f'stacks/{i:02d}.npy\n' for i in range(16)))
    config = tmp_path / 'tiny_prithvi.py'
    config.write_text(
        f"_base_ = '{CONFIG}'\n"
        "model = dict(backbone=dict(arch='small', img_size=32), neck=dict(decoder_embed_dim=64, "
        "decoder_depth=1, decoder_num_heads=4),\n"
        "             data_preprocessor=dict(mean=[3000.0] * 6, std=[1000.0] * 6))\n"
        "train_pipeline = [dict(type='LoadBandStack', num_bands=6, num_frames=3),\n"
        "    dict(type='SeededAugment', transforms=[dict(type='ClipRandomResizedCrop', scale=32,\n"
        "         crop_ratio_range=(0.5, 1.0)), dict(type='ClipFlip', prob=0.5)]), dict(type='PackClip')]\n"
        f"train_dataloader = dict(batch_size=4, num_workers=0, persistent_workers=False, dataset=dict(\n"
        f"    data_root='{data}', pipeline=train_pipeline))\n"
        "optim_wrapper = dict(_delete_=True, type='OptimWrapper', optimizer=dict(type='AdamW', lr=1e-3))\n"
        "param_scheduler = []\n"
        "train_cfg = dict(max_epochs=3)\n"
        "default_hooks = dict(logger=dict(interval=1), checkpoint=dict(interval=3))\n")
    work = tmp_path / 'work'
    proc = subprocess.run([sys.executable, 'tools/train.py', str(config), '--work-dir', str(work)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    losses = [json.loads(line)['loss'] for path in Path(work).glob('*/vis_data/scalars.json')
              for line in path.read_text().splitlines() if '"loss"' in line]
    assert len(losses) == 12 and np.mean(losses[-4:]) < np.mean(losses[:4])
    assert (work / 'epoch_3.pth').is_file()
