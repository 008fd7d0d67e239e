"""Training curves of runs (any logged scalar per iteration) as a PNG."""
import json
from pathlib import Path
from typing import Dict, List, Sequence



def read_scalars(run: Path) -> Dict[str, Dict[int, float]]:
    """``{key: {step: value}}`` of a work dir or a scalars.json file (training records only).

    Every ``*/vis_data/scalars.json`` below a work dir is read in order, so a resumed run's
    pieces join up, the later value winning for a step logged twice.
    """
    run = Path(run)
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
    """One panel per key, one line per run; written atomically to ``out``.

    Drawn on a matplotlib ``Figure`` of its own: pyplot's global backend is left as it is.
    """
    from matplotlib.figure import Figure

    from mmmae.engine.atomic_io import atomic_write  # here: mmmae.engine's hooks import this package
    data = [read_scalars(run) for run in runs]
    fig = Figure(figsize=(7, 2.8 * len(keys)))
    axes = fig.subplots(len(keys), 1, squeeze=False)
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
    return Path(out)
