#!/usr/bin/env python
"""Pretrained vs random-init MAE encoders on MNIST-5k, over several seeds (CPU).

For each seed: pretrain the demo MAE, then on the 1,000 held-out test digits measure
k-NN, linear-probe and fine-tuning top-1 of the pretrained encoder and of the same
architecture without pretraining. Writes per-seed numbers with mean and standard
deviation to a JSON file and prints a Markdown table (docs/benchmarks.md holds one).
About 12 minutes per seed on 2 cores.

Example:
    python tools/analysis_tools/demo_benchmarks.py --seeds 0 1 2 --out work_dirs/demo_benchmarks.json
"""
import argparse
import json
from pathlib import Path

from mmmae.apis.demo import pretrain_and_probe, summarise
from mmmae.datasets import write_mnist5k


def markdown(summary: dict, seeds: list) -> str:
    rows = ['| protocol | pretrained (MAE) | random init |', '| --- | --- | --- |']
    for name in ('knn', 'linear', 'finetune'):
        cells = [f"{summary[f'{name}_{i}']['mean']:.1f} ± {summary[f'{name}_{i}']['std']:.1f}"
                 for i in ('pretrained', 'random')]
        rows.append(f'| {name} | {cells[0]} | {cells[1]} |')
    return '\n'.join(rows) + ('\n\nTop-1 (%) on the 1,000 held-out MNIST-5k digits, mean ± std over '
                               f'seeds {seeds}.')


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    parser.add_argument('--work-dir', default='work_dirs/demo_benchmarks')
    parser.add_argument('--data-root', default='data/mnist5k')
    parser.add_argument('--out', default='work_dirs/demo_benchmarks.json')
    args = parser.parse_args(argv)
    write_mnist5k(args.data_root)
    per_seed = {seed: pretrain_and_probe(seed, Path(args.work_dir), args.data_root)
                for seed in args.seeds}
    summary = summarise(per_seed)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(dict(seeds=per_seed, summary=summary), indent=2))
    print(markdown(summary, args.seeds))
    return summary


if __name__ == '__main__':
    main()
