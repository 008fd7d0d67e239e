#!/usr/bin/env python
"""Pretrained vs random-init MAE encoders on a CPU demo, over several seeds.

For each seed: pretrain the demo MAE, then on the held-out test split measure k-NN and the
demo's probes (MNIST-5k: linear probe and fine-tuning; Moving MNIST-5k clips: linear probe)
of the pretrained encoder and of the same architecture without pretraining. Writes per-seed
numbers with mean and standard deviation to a JSON file and prints a Markdown table
(docs/benchmarks.md and docs/video.md hold them). About 12 minutes per seed on 2 cores.

Example:
    python tools/analysis_tools/demo_benchmarks.py --seeds 0 1 2 --out work_dirs/demo_benchmarks.json
    python tools/analysis_tools/demo_benchmarks.py --demo moving-mnist5k --seeds 0 1 2
"""
import argparse
import json
from pathlib import Path

from mmmae.apis.demo import DEMOS, pretrain_and_probe, summarise


def markdown(summary: dict, seeds: list, demo: str = 'mnist5k') -> str:
    rows = ['| protocol | pretrained (MAE) | random init |', '| --- | --- | --- |']
    for name in ('knn', *DEMOS[demo].protocols):
        cells = [f"{summary[f'{name}_{i}']['mean']:.1f} ± {summary[f'{name}_{i}']['std']:.1f}"
                 for i in ('pretrained', 'random')]
        rows.append(f'| {name} | {cells[0]} | {cells[1]} |')
    return '\n'.join(rows) + (f'\n\nTop-1 (%) on the {DEMOS[demo].test_set}, mean ± std over '
                               f'seeds {seeds}.')


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    parser.add_argument('--demo', choices=sorted(DEMOS), default='mnist5k')
    parser.add_argument('--work-dir', help='default: work_dirs/demo_benchmarks[_DEMO]')
    parser.add_argument('--data-root', help="default: the demo's (data/mnist5k, data/moving_mnist5k)")
    parser.add_argument('--out', help='default: WORK_DIR.json')
    args = parser.parse_args(argv)
    demo = DEMOS[args.demo]
    suffix = '' if args.demo == 'mnist5k' else '_' + args.demo.replace('-', '_')
    work_dir = Path(args.work_dir or f'work_dirs/demo_benchmarks{suffix}')
    data_root = args.data_root or demo.data_root
    out = Path(args.out or f'{work_dir}.json')
    demo.write_data(data_root)
    per_seed = {seed: pretrain_and_probe(seed, work_dir, data_root, args.demo) for seed in args.seeds}
    summary = summarise(per_seed)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(dict(seeds=per_seed, summary=summary), indent=2))
    print(markdown(summary, args.seeds, args.demo))
    return summary


if __name__ == '__main__':
    main()
