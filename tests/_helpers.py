"""Small model configs and log readers shared by the tests."""
import json
from pathlib import Path


def tiny_mae_cfg(**backbone) -> dict:
    """A small MAE (32x32 inputs, patch 8, 16 patches) for fast model tests."""
    return dict(
        type='MAE',
        backbone=dict(type='MAEViT', arch=dict(embed_dim=64, depth=2, num_heads=4),
                      img_size=32, patch_size=8, **backbone),
        neck=dict(type='MAEDecoder', decoder_embed_dim=32, decoder_depth=1, decoder_num_heads=4),
        head=dict(type='MAEPixelHead', norm_pix=True))


def logged_by_step(work_dir: Path, key: str) -> dict:
    """``key`` as logged at each step by every run in ``work_dir``, in time order (a step trained
    again after a resume keeps its last value)."""
    values = {}
    for path in sorted(Path(work_dir).glob('*/vis_data/scalars.json')):
        for record in map(json.loads, path.read_text().splitlines()):
            if key in record:
                values[record['step']] = record[key]
    return values
