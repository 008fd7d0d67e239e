#!/usr/bin/env python
"""k-NN accuracy of frozen MAE encoder features (cosine, k=20, T=0.07 by default).

Features of the train split (with the test pipeline, no augmentation) are the
neighbours of the test split's features. Works with MAE pretraining configs; a
quick check of an encoder without training a probe.

Examples:
    python tools/analysis_tools/knn_eval.py CONFIG work_dirs/x/epoch_20.pth
    python tools/analysis_tools/knn_eval.py CONFIG --random-init   # the baseline
"""
import argparse

from mmmae.apis import knn_eval


def main(argv=None) -> float:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config', help='MAE pretraining config with train and test splits')
    parser.add_argument('checkpoint', nargs='?', help='checkpoint (omit with --random-init)')
    parser.add_argument('--random-init', action='store_true', help='evaluate a random encoder')
    parser.add_argument('--feature', choices=['avg', 'cls'], default='avg',
                        help='mean of patch tokens or the cls token (default: %(default)s)')
    parser.add_argument('--k', type=int, default=20, help='neighbours (default: %(default)s)')
    parser.add_argument('--temperature', type=float, default=0.07, help='vote temperature')
    parser.add_argument('--seed', type=int, default=0, help='seed of the random init')
    args = parser.parse_args(argv)
    if not args.checkpoint and not args.random_init:
        parser.error('give a CHECKPOINT, or --random-init for the random-encoder baseline')
    accuracy = knn_eval(args.config, None if args.random_init else args.checkpoint, args.feature,
                        args.k, args.temperature, args.seed)
    print(f'k-NN top-1 accuracy: {accuracy:.2f} % (k={args.k}, T={args.temperature}, '
          f'{args.feature} features)')
    return accuracy


if __name__ == '__main__':
    main()
