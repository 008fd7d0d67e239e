#!/usr/bin/env python
"""Training curves (loss, learning rate, any logged scalar) of one or more runs as a PNG.

Each RUN is a work dir (every ``*/vis_data/scalars.json`` below it is read, so a resumed
run's pieces join up, the later value winning for a step logged twice) or one
``scalars.json`` file. One panel per key, one line per run.

Example:
    python tools/analysis_tools/analyze_logs.py work_dirs/demo work_dirs/other \\
        --keys loss lr --legend demo other --out work_dirs/curves.png
"""
import argparse
from pathlib import Path

from mmmae.visualization import plot_runs


def main(argv=None) -> Path:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('runs', nargs='+', type=Path, help='work dirs or scalars.json files')
    parser.add_argument('--keys', nargs='+', default=['loss', 'lr'], help='scalars to plot')
    parser.add_argument('--legend', nargs='+', help='one name per run (default: folder names)')
    parser.add_argument('--out', type=Path, default=Path('curves.png'), help='PNG to write')
    args = parser.parse_args(argv)
    legend = args.legend or [run.name if run.is_dir() else run.parents[2].name for run in args.runs]
    if len(legend) != len(args.runs):
        parser.error(f'--legend has {len(legend)} names for {len(args.runs)} runs')
    out = plot_runs(args.runs, args.keys, legend, args.out)
    print(f'wrote {out}')
    return out


if __name__ == '__main__':
    main()
