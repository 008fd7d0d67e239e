#!/usr/bin/env python
"""Pictures of MAE reconstructions: for each image a row of original / masked input /
reconstruction / reconstruction with the visible patches pasted back.

Inputs are an image file or a folder of images (resized on the short side and
center-cropped to the model's input size), or by default the config's test set.
Writes ``DIR/<image name>.png`` per image and ``DIR/grid.png`` with every image as a
column. With a video model (``MAEVideoViT``) the inputs are videos (a file or a folder of
``.mp4`` ...), read by the config's test pipeline: ``<name>.png`` is a strip of frames per
panel, ``<name>.gif`` animates the four panels side by side. Masks come from ``--seed``
(the same seed gives the same masks), ``--mask-ratio`` overrides the model's. Works with
mmmae checkpoints and converted official / HF ones; with ``norm_pix`` the per-patch
normalisation is undone with the input's statistics.

Example:
    python tools/visualization/reconstruct.py CONFIG CHECKPOINT photos/ --out recon/ --scale 2
"""
import argparse
from pathlib import Path

import torch

from mmmae.apis import init_model, reconstruct


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config', help='MAE pretraining config')
    parser.add_argument('checkpoint', help='checkpoint to reconstruct with')
    parser.add_argument('inputs', nargs='?', help='image, video or folder (default: the test set)')
    parser.add_argument('--out', default='reconstructions', help='output folder')
    parser.add_argument('--num', type=int, default=8, help='test images when no inputs are given')
    parser.add_argument('--seed', type=int, default=0, help='seed of the random masks')
    parser.add_argument('--mask-ratio', type=float, help="override the model's mask ratio")
    parser.add_argument('--scale', type=int, default=1, help='integer upscaling of the pictures')
    parser.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    args = parser.parse_args(argv)
    options = {} if args.mask_ratio is None else {'model.backbone.mask_ratio': args.mask_ratio}
    model = init_model(args.config, args.checkpoint, args.device, cfg_options=options)
    outputs = reconstruct(model, args.inputs, args.num, args.seed, args.out, args.scale)
    print(f'{len(outputs["names"])} reconstructions in {Path(args.out).resolve()} (grid.png and '
          f'one row per image); masked-patch loss {outputs["loss"].mean():.4f}')
    return outputs


if __name__ == '__main__':
    main()
