#!/usr/bin/env python
"""Write scikit-image's photographs as a nested folder of mixed JPEG / PNG / WebP files.

RGB, greyscale, RGBA and palette images of differing sizes: the example data of the
custom-folder pretraining config (configs/mae/mae_vit-small-p16_1xb64-accum4-coslr-800e_custom-folder.py).
Nothing is written when the output is already complete.

Example:
    python tools/dataset_converters/skimage_to_folder.py --out data/photos
"""
import argparse

from mmmae.datasets import write_photo_folder


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--out', default='data/photos', help='output folder (default: %(default)s)')
    args = parser.parse_args(argv)
    root = write_photo_folder(args.out)
    count = sum(1 for path in root.rglob('*') if path.is_file())
    print(f'{count} photographs are in {root} (nested folders, JPEG / PNG / WebP, mixed modes)')


if __name__ == '__main__':
    main()
