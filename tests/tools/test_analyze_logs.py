"""analyze_logs.py: curves of several runs, resumed pieces joined, clear errors."""
import json

import pytest
from PIL import Image

from conftest import load_tool

from mmmae.visualization import read_scalars

analyze_logs = load_tool('analysis_tools/analyze_logs')


def write_run(root, pieces):
    for stamp, records in pieces.items():
        path = root / stamp / 'vis_data' / 'scalars.json'
        path.parent.mkdir(parents=True)
        path.write_text(''.join(json.dumps(r) + '\n' for r in records))
    return root


def test_resumed_pieces_join_and_later_values_win(tmp_path):
    run = write_run(tmp_path / 'a', {
        '20260101_000000': [dict(step=1, lr=0.1, loss=3.0), dict(step=2, lr=0.2, loss=2.0),
                            dict(step=2, accuracy=50.0)],  # a validation record: skipped
        '20260101_010000': [dict(step=2, lr=0.2, loss=1.5), dict(step=3, lr=0.3, loss=1.0)]})
    curves = read_scalars(run)
    assert curves['loss'] == {1: 3.0, 2: 1.5, 3: 1.0} and 'accuracy' not in curves


def test_two_runs_make_one_png_with_a_panel_per_key(tmp_path):
    runs = [write_run(tmp_path / name, {'x': [dict(step=s, lr=0.1, loss=1.0 / s) for s in (1, 2, 3)]})
            for name in ('a', 'b')]
    out = analyze_logs.main([*map(str, runs), '--keys', 'loss', 'lr', '--out', str(tmp_path / 'c.png')])
    width, height = Image.open(out).size
    assert width == 700 and height == 560  # two 2.8-inch panels at 100 dpi


def test_missing_logs_and_keys_are_named(tmp_path):
    with pytest.raises(FileNotFoundError, match='holds no'):
        read_scalars(tmp_path)
    run = write_run(tmp_path / 'a', {'x': [dict(step=1, lr=0.1, loss=1.0)]})
    with pytest.raises(KeyError, match="logged no 'acc'"):
        analyze_logs.main([str(run), '--keys', 'acc', '--out', str(tmp_path / 'c.png')])
