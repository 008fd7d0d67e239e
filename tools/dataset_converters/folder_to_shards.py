#!/usr/bin/env python
"""Pack an image folder into indexed tar shards, which shared filesystems read fast.

SRC is read in one of MMPretrain's layouts: class subfolders (the classes are the sorted folder
names, as CustomDataset reads them), an annotation file (--ann-file: lines "relative/path label",
paths relative to SRC, as meta/train.txt), or any folder of images (--no-labels). DST receives
shard-NNNNN.tar files, index.json (written last) and progress.jsonl; configs read DST with
TarShardDataset and LoadShardImage (see docs/shards.md and mmmae/datasets/shards.py). An
interrupted conversion resumes when the same command runs again; a rerun also rewrites missing
or truncated shards.

Example:
    python tools/dataset_converters/folder_to_shards.py data/imagenet/train data/imagenet-shards \
        --ann-file data/imagenet/meta/train.txt
"""
import argparse
import inspect

from mmmae.datasets import folder_samples, load_index, write_shards

DEFAULT_SIZE = inspect.signature(write_shards).parameters['shard_size_mb'].default


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('src', help='the image folder')
    parser.add_argument('dst', help='the shard folder to write (a local path)')
    parser.add_argument('--ann-file', help='annotation list, lines "relative/path label" with paths '
                        'relative to SRC (default: the class subfolders of SRC)')
    parser.add_argument('--no-labels', action='store_true',
                        help='unlabelled: every image under SRC, or the paths of --ann-file')
    parser.add_argument('--shard-size', type=float, default=DEFAULT_SIZE,
                        help='shard size in MiB, about (default: %(default)s)')
    args = parser.parse_args(argv)
    samples, metainfo = folder_samples(args.src, args.ann_file, with_label=not args.no_labels)
    written = []

    def report(record: dict) -> None:
        written.append(record)
        print(f"{record['file']}: {len(record['members'])} images, "
              f"{record['bytes'] / 2 ** 20:.1f} MiB", flush=True)

    index_path = write_shards(samples, args.dst, args.shard_size, metainfo, on_shard=report)
    shards = load_index(str(index_path))['shards']
    total = sum(shard['bytes'] for shard in shards) / 2 ** 20
    print(f"{sum(len(s['members']) for s in shards)} images in {len(shards)} shards "
          f'({total:.1f} MiB) in {args.dst}: {len(written)} written by this run, '
          f'{len(shards) - len(written)} kept from an earlier one; index {index_path}')


if __name__ == '__main__':
    main()
