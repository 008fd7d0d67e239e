#!/usr/bin/env python
"""Pretrained vs random-init MAE encoders in Mask R-CNN and UperNet on the digit canvases (CPU).

For each seed, trains the demo detection and segmentation configs twice: from the demo MAE
checkpoint and from random initialisation, and keeps each run's final validation metrics
(COCO box / mask AP; mIoU, aAcc, mAcc). Per-seed numbers with mean and standard deviation go
to a JSON file, rewritten after every run, so a stopped sweep keeps what it finished.
Roughly 40 minutes per seed on 2 free cores (an estimate from the single runs' times in
docs/detection_segmentation.md). ``--cfg-options`` changes both configs (an ablation);
``--inits`` runs one side only, e.g. to run the two sides side by side.

Example:
    python tools/analysis_tools/det_seg_demo_benchmarks.py --seeds 0 1 2
    python tools/analysis_tools/det_seg_demo_benchmarks.py --tasks segmentation --inits pretrained \
        --cfg-options model.backbone.cls_token=True --work-dir work_dirs/seg_cls --out work_dirs/seg_cls.json
"""
import argparse
import json
from pathlib import Path

from mmengine.config import DictAction

from mmmae.apis.demo import DET_SEG_TASKS, det_seg_run, summarise
from mmmae.datasets import write_digit_canvas


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    parser.add_argument('--tasks', nargs='+', default=list(DET_SEG_TASKS),
                        choices=list(DET_SEG_TASKS))
    parser.add_argument('--checkpoint', default='work_dirs/demo/epoch_20.pth',
                        help='the demo MAE pretraining checkpoint (make demo writes it)')
    parser.add_argument('--work-dir', default='work_dirs/det_seg_demo_benchmarks')
    parser.add_argument('--data-root', default='data/digit_canvas')
    parser.add_argument('--inits', nargs='+', default=['pretrained', 'random'],
                        choices=['pretrained', 'random'])
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, default={},
                        help='KEY=VALUE overrides of the task configs')
    parser.add_argument('--out', default='work_dirs/det_seg_demo_benchmarks.json')
    args = parser.parse_args(argv)
    if not Path(args.checkpoint).is_file():
        raise SystemExit(f'{args.checkpoint} does not exist: run `make demo` (it writes the demo '
                         'MAE checkpoint) or pass --checkpoint')
    write_digit_canvas(args.data_root)
    per_seed, out = {}, Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    for seed in args.seeds:
        for task in args.tasks:
            for init in args.inits:
                metrics = det_seg_run(task, init, seed, Path(args.work_dir), args.data_root,
                                      args.checkpoint, args.cfg_options)
                per_seed.setdefault(seed, {}).update(
                    {f'{task}_{init}_{key}': value for key, value in metrics.items()})
                out.write_text(json.dumps(dict(seeds=per_seed), indent=2))
    summary = summarise(per_seed)
    out.write_text(json.dumps(dict(seeds=per_seed, summary=summary), indent=2))
    for key, stats in summary.items():
        print(f'{key:<45} {stats["mean"]:6.2f} ± {stats["std"]:.2f}')
    return summary


if __name__ == '__main__':
    main()
