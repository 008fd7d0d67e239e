#!/usr/bin/env python
"""Pictures of MAE reconstructions: for each image a row of original / masked input /
reconstruction / reconstruction with the visible patches pasted back.

Inputs are an image file or a folder of images (resized on the short side and
center-cropped to the model's input size), or by default the config's test set.
Writes ``DIR/<image name>.png`` per image and ``DIR/grid.png`` with every image as a
column. Masks come from ``--seed`` (the same seed gives the same masks), ``--mask-ratio``
overrides the model's. Works with mmmae checkpoints and converted official / HF ones;
with ``norm_pix`` the per-patch normalisation is undone with the input's statistics.

Example:
    python tools/visualization/reconstruct.py CONFIG CHECKPOINT photos/ --out recon/ --scale 2
"""
import argparse
from pathlib import Path
from typing import Dict, List, Optional

import torch
from mmengine.config import Config
from mmengine.dataset import Compose, default_collate

from mmmae.engine import load_model_checkpoint
from mmmae.models.layers import num_visible
from mmmae.registry import DATASETS, MODELS
from mmmae.utils import register_all_modules
from mmmae.visualization import save_reconstruction_grid
from mmmae.visualization.reconstruction import ROWS

IMAGE_SUFFIXES = ('.png', '.jpg', '.jpeg', '.bmp', '.webp', '.tif', '.tiff')


def image_files(path: str) -> List[Path]:
    """The image itself, or the images in a folder (sorted, recursively)."""
    root = Path(path)
    if root.is_file():
        return [root]
    if not root.is_dir():
        raise FileNotFoundError(f'{path} is neither an image file nor a folder')
    files = sorted(p for p in root.rglob('*') if p.suffix.lower() in IMAGE_SUFFIXES)
    if not files:
        raise FileNotFoundError(f'no images ({", ".join(IMAGE_SUFFIXES)}) under {path}')
    return files


def load_batch(cfg: Config, model, inputs: Optional[str], num: int):
    """Collated samples and their names: the given images, or the first ``num`` test images."""
    if inputs:
        height, width = (g * model.backbone.patch_size for g in model.backbone.grid)
        pipeline = Compose([
            dict(type='LoadImageFromFile'),
            dict(type='ResizeEdge', scale=min(height, width), edge='short', backend='pillow',
                 interpolation='bicubic'),
            dict(type='CenterCrop', crop_size=(width, height)),
            dict(type='PackInputs')])
        files = image_files(inputs)
        return default_collate([pipeline(dict(img_path=str(f))) for f in files]), \
            [f.stem for f in files]
    dataset = DATASETS.build((cfg.get('test_dataloader') or cfg.train_dataloader).dataset)
    indices = range(min(num, len(dataset)))
    return default_collate([dataset[i] for i in indices]), [f'test_{i:04d}' for i in indices]


def reconstruct(config: str, checkpoint: str, out_dir: str, inputs: Optional[str] = None,
                num: int = 8, seed: int = 0, mask_ratio: Optional[float] = None, scale: int = 1,
                cfg_options: Optional[dict] = None) -> Dict[str, torch.Tensor]:
    """Write the pictures; return ``MAE.reconstruct``'s outputs (plus ``names``)."""
    register_all_modules()
    cfg = Config.fromfile(config)
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    model = MODELS.build(cfg.model)
    load_model_checkpoint(model, checkpoint, map_location='cpu')
    model.eval()
    if mask_ratio is not None:
        num_visible(model.backbone.num_patches, mask_ratio)  # a clear error for a bad ratio
        model.backbone.mask_ratio = mask_ratio
    batch, names = load_batch(cfg, model, inputs, num)
    images = model.data_preprocessor(batch)['inputs']
    noise = torch.rand(images.shape[0], model.backbone.num_patches,
                       generator=torch.Generator().manual_seed(seed))
    outputs = model.reconstruct(images, noise)
    out = Path(out_dir)
    for i, name in enumerate(names):  # one row per image, the four panels as its columns
        panels = torch.stack([outputs[kind][i] for kind in ROWS])
        save_reconstruction_grid({'row': panels}, out / f'{name}.png', rows=('row',), scale=scale)
    save_reconstruction_grid(outputs, out / 'grid.png', scale=scale)
    return dict(outputs, names=names)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config', help='MAE pretraining config')
    parser.add_argument('checkpoint', help='checkpoint to reconstruct with')
    parser.add_argument('inputs', nargs='?', help='image or folder (default: the test set)')
    parser.add_argument('--out', default='reconstructions', help='output folder')
    parser.add_argument('--num', type=int, default=8, help='test images when no inputs are given')
    parser.add_argument('--seed', type=int, default=0, help='seed of the random masks')
    parser.add_argument('--mask-ratio', type=float, help="override the model's mask ratio")
    parser.add_argument('--scale', type=int, default=1, help='integer upscaling of the pictures')
    args = parser.parse_args(argv)
    outputs = reconstruct(args.config, args.checkpoint, args.out, args.inputs, args.num, args.seed,
                          args.mask_ratio, args.scale)
    print(f'{len(outputs["names"])} reconstructions in {Path(args.out).resolve()} (grid.png and '
          f'one row per image); masked-patch loss {outputs["loss"].mean():.4f}')


if __name__ == '__main__':
    main()
