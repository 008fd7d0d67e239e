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
import json
from pathlib import Path
from typing import Dict, List, Sequence

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402

from mmmae.engine import atomic_write  # noqa: E402


def read_scalars(run: Path) -> Dict[str, Dict[int, float]]:
    """``{key: {step: value}}`` of a work dir or a scalars.json file (training records only)."""
    files = [run] if run.is_file() else sorted(run.glob('*/vis_data/scalars.json'))
    if not files:
        raise FileNotFoundError(f'{run} holds no */vis_data/scalars.json; pass a work dir of '
                                'tools/train.py or a scalars.json file')
    curves: Dict[str, Dict[int, float]] = {}
    for path in files:  # time-stamped folders: later runs override repeated steps
        for line in path.read_text().splitlines():
            record = json.loads(line)
            if 'step' not in record or 'lr' not in record:  # validation records carry no lr
                continue
            for key, value in record.items():
                if key not in ('step', 'epoch', 'iter') and isinstance(value, (int, float)):
                    curves.setdefault(key, {})[record['step']] = value
    return curves


def plot_runs(runs: Sequence[Path], keys: Sequence[str], legend: List[str], out: Path) -> Path:
    """One panel per key, one line per run; written atomically to ``out``."""
    data = [read_scalars(run) for run in runs]
    fig, axes = plt.subplots(len(keys), 1, figsize=(7, 2.8 * len(keys)), squeeze=False)
    for ax, key in zip(axes[:, 0], keys):
        for name, curves in zip(legend, data):
            if key not in curves:
                raise KeyError(f'{name} logged no {key!r}; logged keys: {sorted(curves)}')
            steps = sorted(curves[key])
            ax.plot(steps, [curves[key][s] for s in steps], label=name)
        ax.set_ylabel(key)
        ax.grid(alpha=0.3)
        ax.legend()
    axes[-1, 0].set_xlabel('iteration')
    fig.tight_layout()
    atomic_write(out, lambda tmp: fig.savefig(tmp, format='png', dpi=100))
    plt.close(fig)
    return out


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
