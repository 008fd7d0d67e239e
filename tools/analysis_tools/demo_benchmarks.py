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
import statistics
import sys
from pathlib import Path

TOOLS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TOOLS))
sys.path.insert(0, str(TOOLS / 'analysis_tools'))

import train  # noqa: E402
from knn_eval import knn_eval  # noqa: E402

from mmmae.datasets import write_mnist5k  # noqa: E402

CONFIGS = TOOLS.parent / 'configs' / 'mae'
PRETRAIN = CONFIGS / 'mae_vit-demo-p4_1xb64-coslr-20e_mnist5k.py'
PROTOCOLS = {
    'linear': CONFIGS / 'benchmarks' / 'vit-demo-p4_mae-pre_1xb64-linear-coslr-20e_mnist5k.py',
    'finetune': CONFIGS / 'benchmarks' / 'vit-demo-p4_mae-pre_1xb64-coslr-20e_mnist5k.py',
}


def data_root_options(data_root: str, loaders=('train_dataloader', 'test_dataloader')) -> dict:
    return {f'{loader}.dataset.data_root': data_root for loader in loaders}


def as_cli(options: dict) -> list:
    return [f'{key}={value}' for key, value in options.items()]


def probe(config: Path, work_dir: Path, checkpoint, seed: int, data_root: str) -> float:
    """Train ``config`` from ``checkpoint`` (None: random init); top-1 on the test split."""
    init = f'model.backbone.init_cfg.checkpoint={checkpoint}' if checkpoint else \
        'model.backbone.init_cfg=None'
    runner = train.main([str(config), '--work-dir', str(work_dir), '--no-validate',
                         '--cfg-options', f'randomness.seed={seed}', init,
                         *as_cli(data_root_options(data_root))])
    return float(runner.test()['accuracy/top1'])


def run_seed(seed: int, work_root: Path, data_root: str) -> dict:
    pre_dir = work_root / f'seed{seed}' / 'pretrain'
    train.main([str(PRETRAIN), '--work-dir', str(pre_dir), '--cfg-options',
                f'randomness.seed={seed}', *as_cli(data_root_options(data_root))])
    checkpoint = (pre_dir / 'last_checkpoint').read_text().strip()
    knn_root = data_root_options(data_root)
    results = dict(
        knn_pretrained=knn_eval(str(PRETRAIN), checkpoint, seed=seed, cfg_options=knn_root),
        knn_random=knn_eval(str(PRETRAIN), None, seed=seed, cfg_options=knn_root))
    for name, config in PROTOCOLS.items():
        for init, ckpt in (('pretrained', checkpoint), ('random', None)):
            results[f'{name}_{init}'] = probe(config, work_root / f'seed{seed}' / f'{name}_{init}',
                                              ckpt, seed, data_root)
    return results


def summarise(per_seed: dict) -> dict:
    keys = next(iter(per_seed.values())).keys()
    return {k: dict(mean=statistics.mean(v[k] for v in per_seed.values()),
                    std=statistics.pstdev(v[k] for v in per_seed.values())) for k in keys}


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
    per_seed = {seed: run_seed(seed, Path(args.work_dir), args.data_root) for seed in args.seeds}
    summary = summarise(per_seed)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(dict(seeds=per_seed, summary=summary), indent=2))
    print(markdown(summary, args.seeds))
    return summary


if __name__ == '__main__':
    main()
