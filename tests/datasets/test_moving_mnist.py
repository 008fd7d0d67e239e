"""Moving MNIST-5k: clips of a digit moving and bouncing, written once, read as 1-band stacks; the
demo's k-NN and linear-probe protocols run on them (pretrained vs random init)."""
import json
import subprocess
import sys

import numpy as np
import pytest
import torch

from conftest import ROOT
from mmmae.apis.features import knn_eval
from mmmae.datasets import load_mnist5k, moving_digit_clip, write_moving_mnist5k

PRETRAIN = ROOT / 'configs' / 'mae' / 'videomae_vit-demo-p4_1xb32-coslr-20e_moving-mnist5k.py'
LINEAR = (ROOT / 'configs' / 'mae' / 'benchmarks' /
          'videomae_vit-demo-p4_videomae-pre_1xb32-linear-coslr-5e_moving-mnist5k.py')


def test_a_clip_moves_the_whole_digit_and_is_reproducible():
    digit = load_mnist5k()[0][7]
    clip = moving_digit_clip(digit, np.random.default_rng([5, 7]))
    again = moving_digit_clip(digit, np.random.default_rng([5, 7]))
    assert clip.shape == (8, 32, 32) and clip.dtype == np.uint8 and np.array_equal(clip, again)
    sums = clip.reshape(8, -1).sum(1)
    assert (sums == sums[0]).all()  # never cut at an edge: it bounces
    centres = [np.argwhere(frame > 0).mean(0) for frame in clip]
    assert max(np.abs(c - centres[0]).max() for c in centres) >= 1  # it moves
    with pytest.raises(ValueError, match='does not fit'):
        moving_digit_clip(digit, np.random.default_rng(0), canvas=16)


@pytest.fixture(scope='module')
def clips(tmp_path_factory):
    return write_moving_mnist5k(tmp_path_factory.mktemp('data') / 'moving_mnist5k')


def subset_options(root, train=64, test=50):
    return {'train_dataloader.dataset.data_root': str(root), 'test_dataloader.dataset.data_root': str(root),
            'train_dataloader.dataset.indices': train, 'test_dataloader.dataset.indices': test}


def test_the_data_set_is_the_mnist5k_split_as_band_stacks(clips):
    lines = (clips / 'meta' / 'train.txt').read_text().splitlines()
    assert len(lines) == 4000 and len((clips / 'meta' / 'test.txt').read_text().splitlines()) == 1000
    path, label = lines[0].split()
    stack = np.load(clips / path)
    assert stack.shape == (8, 32, 32, 1) and path.startswith(f'train/{label}/')
    # the k-NN protocol reads them with the pretraining config; a random encoder is a baseline
    accuracy = knn_eval(str(PRETRAIN), None, cfg_options=subset_options(clips, 200, 100))
    assert 10 < accuracy <= 100


def test_the_linear_probe_trains_on_a_pretraining_checkpoint(clips, tmp_path):
    from mmmae.registry import MODELS
    from mmmae.utils import register_all_modules
    register_all_modules()
    encoder = MODELS.build(dict(type='MAEVideoViT', arch='demo', num_frames=8, img_size=32,
                                in_channels=1, mask_ratio=0.75))
    checkpoint = tmp_path / 'pre.pth'
    torch.save({'state_dict': {f'backbone.{k}': v for k, v in encoder.state_dict().items()}}, checkpoint)
    options = {**subset_options(clips), 'val_dataloader.dataset.data_root': str(clips),
               'val_dataloader.dataset.indices': 50, 'model.backbone.init_cfg.checkpoint': str(checkpoint),
               'train_cfg.max_epochs': 1, 'train_cfg.val_interval': 1, 'train_dataloader.num_workers': 0,
               'train_dataloader.persistent_workers': False, 'default_hooks.logger.interval': 1}
    work = tmp_path / 'work'
    proc = subprocess.run(
        [sys.executable, 'tools/train.py', str(LINEAR), '--work-dir', str(work), '--cfg-options',
         *[f'{k}={v}' for k, v in options.items()]],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log[-3000:]
    assert 'load backbone. from' in log and 'missing keys' not in log
    records = [json.loads(line) for path in work.glob('*/vis_data/scalars.json')
               for line in path.read_text().splitlines()]
    assert len([r for r in records if 'loss' in r]) == 1  # 64 clips, batch 64
    assert len([r for r in records if 'accuracy/top1' in r]) == 1
