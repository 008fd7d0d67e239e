#!/usr/bin/env python
"""Picture of MAE reconstructions: rows original / masked / reconstruction / reconstruction
with the visible patches pasted back, one column per image.

Images come from the config's test set (default) or from files given with --images,
passed through the test pipeline. The mask is drawn from --seed, so pictures of
different checkpoints are comparable.

Example:
    python tools/visualization/visualize_reconstruction.py CONFIG CHECKPOINT --out recon.png
"""
import argparse
from pathlib import Path
from typing import List, Optional

import torch
from mmengine.config import Config
from mmengine.dataset import Compose, default_collate
from mmengine.runner.checkpoint import load_checkpoint

from mmmae.registry import DATASETS, MODELS
from mmmae.utils import register_all_modules
from mmmae.visualization import save_reconstruction_grid


def load_batch(cfg: Config, images: Optional[List[str]], num: int) -> dict:
    """A collated batch of the given image files, or of the first ``num`` test images."""
    dataset_cfg = (cfg.get('test_dataloader') or cfg.train_dataloader).dataset
    if images:
        pipeline = Compose(dataset_cfg.pipeline)
        samples = [pipeline(dict(img_path=path)) for path in images]
    else:
        dataset = DATASETS.build(dataset_cfg)
        samples = [dataset[i] for i in range(min(num, len(dataset)))]
    return default_collate(samples)


def visualize(config: str, checkpoint: str, out: str, images: Optional[List[str]] = None,
              num: int = 8, seed: int = 0, scale: int = 1,
              cfg_options: Optional[dict] = None) -> dict:
    """Reconstruct a batch with ``checkpoint`` and save the picture; returns the outputs."""
    register_all_modules()
    cfg = Config.fromfile(config)
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    model = MODELS.build(cfg.model)
    load_checkpoint(model, checkpoint, map_location='cpu')
    model.eval()
    data = model.data_preprocessor(load_batch(cfg, images, num))
    inputs = data['inputs']
    noise = torch.rand(inputs.shape[0], model.backbone.num_patches,
                       generator=torch.Generator().manual_seed(seed))
    outputs = model.reconstruct(inputs, noise)
    save_reconstruction_grid(outputs, out, scale=scale)
    return outputs


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config', help='MAE pretraining config')
    parser.add_argument('checkpoint', help='checkpoint to reconstruct with')
    parser.add_argument('--out', default='reconstruction.png', help='PNG to write')
    parser.add_argument('--images', nargs='+', help='image files (default: the test set)')
    parser.add_argument('--num', type=int, default=8, help='test images to show')
    parser.add_argument('--seed', type=int, default=0, help='seed of the random mask')
    parser.add_argument('--scale', type=int, default=1, help='integer upscaling of the picture')
    args = parser.parse_args(argv)
    outputs = visualize(args.config, args.checkpoint, args.out, args.images, args.num, args.seed,
                        args.scale)
    print(f'reconstruction loss (masked patches) {outputs["loss"].mean():.4f}; '
          f'picture: {Path(args.out).resolve()}')


if __name__ == '__main__':
    main()
