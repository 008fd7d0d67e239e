#!/usr/bin/env python
"""Pretrained vs random-init MAE encoders in Mask R-CNN and UperNet on the digit canvases (CPU).

For each seed, trains the demo detection and segmentation configs twice: from the demo MAE
checkpoint and from random initialisation, and keeps each run's final validation metrics
(COCO box / mask AP; mIoU, aAcc, mAcc). Per-seed numbers with mean and standard deviation go
to a JSON file, rewritten after every run, so a stopped sweep keeps what it finished.
About 20 minutes per seed on 2 free cores.

Example:
    python tools/analysis_tools/det_seg_demo_benchmarks.py --seeds 0 1 2
"""
import argparse
import json
import sys
from pathlib import Path

TOOLS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TOOLS))
sys.path.insert(0, str(TOOLS / 'analysis_tools'))

import train  # noqa: E402
from demo_benchmarks import as_cli, data_root_options, summarise  # noqa: E402

from mmmae.datasets import write_digit_canvas  # noqa: E402

BENCHMARKS = TOOLS.parent / 'configs' / 'mae' / 'benchmarks'
TASKS = {
    'detection': (BENCHMARKS / 'mask-rcnn_vit-demo-p4_mae-pre_1xb8-coslr-1000i_digit-canvas.py',
                  ('coco/bbox_mAP', 'coco/bbox_mAP_50', 'coco/segm_mAP', 'coco/segm_mAP_50')),
    'segmentation': (BENCHMARKS / 'upernet_vit-demo-p4_mae-pre_1xb8-poly-1000i_digit-canvas.py',
                     ('mIoU', 'aAcc', 'mAcc')),
}


def final_metrics(work_dir: Path, keys) -> dict:
    """The last logged value of each key, from the newest run in ``work_dir`` (a work dir can
    hold an earlier, interrupted run: its timestamped folder sorts first)."""
    found = {}
    for path in sorted(work_dir.glob('*/vis_data/scalars.json')):
        for line in path.read_text().splitlines():
            record = json.loads(line)
            found.update({key: float(record[key]) for key in keys if key in record})
    missing = [key for key in keys if key not in found]
    if missing:
        raise RuntimeError(f'{work_dir} logged no {missing}: did its final validation run?')
    return found


def run(task: str, init: str, seed: int, work_root: Path, data_root: str, checkpoint: str) -> dict:
    config, keys = TASKS[task]
    work_dir = work_root / f'seed{seed}' / f'{task}_{init}'
    loaders = ('train_dataloader', 'val_dataloader', 'test_dataloader')
    options = as_cli(data_root_options(data_root, loaders)) + [f'randomness.seed={seed}']
    if task == 'detection':  # CocoMetric reads the annotation file itself
        options.append(f'val_evaluator.ann_file={data_root}/annotations/instances_validation.json')
    options.append(f'model.backbone.init_cfg.checkpoint={checkpoint}' if init == 'pretrained'
                   else 'model.backbone.init_cfg=None')
    train.main([str(config), '--work-dir', str(work_dir), '--cfg-options', *options])
    return final_metrics(work_dir, keys)


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    parser.add_argument('--tasks', nargs='+', default=list(TASKS), choices=list(TASKS))
    parser.add_argument('--checkpoint', default='work_dirs/demo/epoch_20.pth',
                        help='the demo MAE pretraining checkpoint (make demo writes it)')
    parser.add_argument('--work-dir', default='work_dirs/det_seg_demo_benchmarks')
    parser.add_argument('--data-root', default='data/digit_canvas')
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
            for init in ('pretrained', 'random'):
                metrics = run(task, init, seed, Path(args.work_dir), args.data_root, args.checkpoint)
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
