#!/usr/bin/env python
"""Faster pretraining recipes against the standard one on the MNIST-5k CPU demo, to accuracy.

For each recipe (standard MAE, progressive resolution, CrossMAE's partial decoding) and seed:
pretrain the demo, k-NN top-1 of a checkpoint every 2 epochs with its wall-clock, linear probe of
the last. Prints, per recipe, the forward FLOPs per training image (averaged over the epochs),
the final k-NN and linear probe (mean ± std over the seeds), the wall-clock to reach the
standard run's final k-NN of the same seed, and the ratios to standard; writes it all as JSON.
Runs already done in the work dir are read back, so a killed benchmark continues. Run it alone
on the machine: the wall-clock is part of the result. About 7 minutes per recipe and seed on 2 cores.

Example:
    python tools/analysis_tools/recipe_benchmarks.py --seeds 0 1 2 --out work_dirs/recipes.json
"""
import argparse
import json
from pathlib import Path

from mmmae.apis.demo import DEMOS, RECIPES, recipe_curve, recipe_flops, time_to_accuracy
from mmmae.apis.inference import config_file


def markdown(table: dict, flops: dict, seeds: list) -> str:
    base = table['standard']
    rows = ['| recipe | MFLOPs / image | k-NN | linear probe | wall-clock to standard\'s k-NN | '
            'speed-up | FLOPs ratio |', '| --- | --- | --- | --- | --- | --- | --- |']
    for recipe, row in table.items():
        seconds = row['seconds_to_reference']
        reached = (f'{seconds:.0f} s' if seconds is not None
                   else f"not reached ({row['reached']} of {row['seeds']} seeds)")
        speedup = f"{base['seconds_to_reference'] / seconds:.2f}x" if seconds else '-'
        rows.append(f"| {recipe} | {flops[recipe] / 1e6:.1f} | {row['knn']:.1f} ± {row['knn_std']:.1f} | "
                    f"{row['linear']:.1f} ± {row['linear_std']:.1f} | {reached} | {speedup} | "
                    f"{flops['standard'] / flops[recipe]:.2f}x |")
    return '\n'.join(rows) + (f'\n\nTop-1 (%) on the 1,000 held-out MNIST-5k digits, mean ± std over '
                               f'seeds {seeds}; wall-clock from the start of training.')


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--recipes', nargs='+', choices=sorted(RECIPES), default=list(RECIPES))
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    parser.add_argument('--work-dir', default='work_dirs/recipe_benchmarks')
    parser.add_argument('--data-root', default=DEMOS['mnist5k'].data_root)
    parser.add_argument('--out', help='default: WORK_DIR.json')
    args = parser.parse_args(argv)
    recipes = ['standard', *[r for r in args.recipes if r != 'standard']]  # the reference first
    DEMOS['mnist5k'].write_data(args.data_root)
    runs = {recipe: {} for recipe in recipes}
    for seed in args.seeds:  # seed by seed: the recipes of a seed run close together in time
        for recipe in recipes:
            runs[recipe][seed] = recipe_curve(recipe, seed, Path(args.work_dir), args.data_root)
    table = time_to_accuracy(runs)
    flops = {recipe: recipe_flops(config_file(RECIPES[recipe])) for recipe in recipes}
    out = Path(args.out or f'{args.work_dir}.json')
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(dict(runs=runs, table=table, flops=flops), indent=2))
    print(markdown(table, flops, args.seeds))
    return table


if __name__ == '__main__':
    main()
