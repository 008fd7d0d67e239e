#!/usr/bin/env python
"""Parameters and forward FLOPs per image of an MAE pretraining or classification config.

FLOPs are counted by ``torch.utils.flop_counter`` (2 per multiply-add) for one
image at the config's input size: for pretraining the forward pass of a step
(encoder on the visible patches, decoder on all of them), for classifiers and
segmentors the forward pass to the logits, for detectors backbone and neck. Backward
costs about twice the forward. The numbers in configs/*/metafile.yml come from this
tool (tests check them).

Example:
    python tools/analysis_tools/get_flops.py configs/mae/mae_vit-base-p16_8xb512-amp-coslr-300e_in1k.py
"""
import argparse

from mmmae.apis import model_complexity


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config', help='MAE pretraining or classification config')
    args = parser.parse_args(argv)
    stats = model_complexity(args.config)
    print(f'parameters          {stats["params"]:,} ({stats["trainable_params"]:,} trainable)')
    print(f'forward FLOPs/image {stats["forward_flops"]:,} '
          f'({stats["forward_flops"] / 1e9:.2f} GFLOPs; a training step costs about 3x)')
    return stats


if __name__ == '__main__':
    main()
