#!/usr/bin/env python
"""MAE pretraining speed of mmmae vs MMPretrain 1.2 and an official-style MAE, side by side.

Model mode (mmmae.benchmark.step): each peer runs the same training step on the same random
images, arch, batch, image size and precision, in one process, taking turns every round. Prints
per peer the step time (median and best round), images/s, the step's peak memory, achieved
TFLOP/s and MFU (against the datasheet peak of a known GPU or --peak-tflops; on a GPU also
against its measured matmul rate); with --compile the compile time; with --profile N each
peer's top kernels; and mmmae's ratio to each peer. ``--amp configured`` runs each peer in the
precision its project's config gives on this device. ``--config FILE`` times mmmae as a
pretraining config builds it, at its batch per GPU and with its memory options.

Memory mode (--memory-only, mmmae.benchmark.memory): the activations kept for backward and the
training state, counted without a step.

Recipe mode (--recipe R [R ...], mmmae.benchmark.recipes): mmmae's step under each pretraining
recipe (standard, crossmae: CrossMAE's partial decoding, progressive: FastSSL's resolution
stages weighted by their epochs), with the speed-up and FLOPs ratio against standard.

Data mode (--pipeline-folder DIR, mmmae.benchmark.pipeline): images/s per CPU core of the
training input pipelines of mmmae, MMPretrain 1.2 and mmmae's GPU-decode config.

Examples:
    python tools/analysis_tools/benchmark_pretrain.py --arch b --batch 8
    python tools/analysis_tools/benchmark_pretrain.py --arch b --batch 256 --amp bf16 --device cuda
    python tools/analysis_tools/benchmark_pretrain.py --arch b --batch 8 --amp configured
    python tools/analysis_tools/benchmark_pretrain.py --amp configured --device cuda \
        --config configs/mae/mae_vit-huge-p14_8xb512-amp-coslr-1600e_in1k.py
    python tools/analysis_tools/benchmark_pretrain.py --pipeline-folder data/photos --as-jpeg
    python tools/analysis_tools/benchmark_pretrain.py --recipe standard crossmae progressive --batch 8
"""
import argparse
import dataclasses
import sys
from typing import Dict, Union

import torch

from mmmae.benchmark.measure import AMP, append_json_line
from mmmae.benchmark.memory import run_memory
from mmmae.benchmark.peers import PEERS
from mmmae.benchmark.pipeline import PIPELINE_PEERS, PipelineBench, run_pipelines
from mmmae.benchmark.recipes import RECIPES, run_recipes
from mmmae.benchmark.step import StepBench, run_step
from mmmae.models.layers.attention import CPU_HALF_ATTENTION_CHOICES


def peak_option(text: str) -> Union[float, str]:
    """``--peak-tflops``: a positive number or ``measure``."""
    if text == 'measure':
        return text
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if value <= 0:
        raise argparse.ArgumentTypeError(f"'{text}' is neither a positive number of TFLOPS nor "
                                         "'measure'")
    return value


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--arch', default='b', help="mmmae arch name (demo, tiny, small, b, l, h)")
    parser.add_argument('--img-size', type=int, default=224)
    parser.add_argument('--batch', type=int, help='images per step (default 8, or the batch per '
                        "GPU of --config; data mode: per gpu-decode batch, default 8)")
    parser.add_argument('--amp', choices=[*AMP, 'configured'], default='off',
                        help='autocast dtype; fp16 adds loss scaling (default: off, fp32); '
                        "configured: each peer's config's precision on this device")
    parser.add_argument('--compile', action='store_true', help='torch.compile every peer')
    parser.add_argument('--with-cp', action='store_true',
                        help="activation checkpointing in mmmae's blocks (MMPretrain's MAE has none)")
    parser.add_argument('--selective-cp', action='store_true',
                        help="mmmae's blocks recompute their LayerNorm and GELU outputs in backward")
    parser.add_argument('--cpu-half-attention', choices=CPU_HALF_ATTENTION_CHOICES, default='fp32',
                        help="how mmmae attends bf16/fp16 on a CPU: upcast to PyTorch's fp32 "
                        "kernel (mmmae's default) or its native half-precision one (the "
                        "models' cpu_half_attention option)")
    parser.add_argument('--same-optimizer', action='store_true',
                        help="torch's default AdamW for every peer, mmmae included")
    parser.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    parser.add_argument('--threads', type=int, help='CPU threads (default: torch\'s); on a CPU '
                        'shared with other jobs, 1 avoids stalls at every parallel region')
    parser.add_argument('--rounds', type=int, default=3, help='rounds of alternating peers')
    parser.add_argument('--steps', type=int, default=3, help='timed steps per peer and round')
    parser.add_argument('--peers', nargs='+', default=['mmmae', 'mmpretrain', 'official-style'],
                        choices=PEERS, help='mmmae-selective-cp: mmmae with selective_cp on')
    parser.add_argument('--peak-tflops', type=peak_option,
                        help="the peak for MFU: dense TFLOPS at --amp (a GPU not in the table), or "
                        "'measure': this device's measured matmul rate (CPUs too)")
    parser.add_argument('--config', help="time mmmae as this pretraining config builds it (its "
                        'batch per GPU, image size and memory options; with --amp configured its '
                        'precision)')
    parser.add_argument('--profile', type=int, default=0, metavar='N',
                        help="profile one more step of each peer and report its N top kernels")
    parser.add_argument('--memory-only', action='store_true',
                        help='run no step: report the activations each peer keeps for backward and '
                        'its training state (size a GPU job on any machine)')
    parser.add_argument('--recipe', nargs='+', choices=RECIPES,
                        help="recipe mode: time mmmae's step under these pretraining recipes")
    parser.add_argument('--json', metavar='FILE', help='append the results as one JSON line to FILE')
    data = parser.add_argument_group('data mode')
    data.add_argument('--pipeline-folder', help='time the input pipelines on the images in DIR '
                      'instead of the models')
    data.add_argument('--as-jpeg', action='store_true', help='re-encode the images as RGB JPEGs first')
    data.add_argument('--pipeline-peers', nargs='+', choices=PIPELINE_PEERS, default=PIPELINE_PEERS)
    return parser.parse_args(argv)


def options(cls, args: argparse.Namespace, **renamed):
    """The dataclass ``cls`` from the parsed options of the same names (and ``renamed``)."""
    names = {f.name for f in dataclasses.fields(cls)}
    return cls(**{k: v for k, v in vars(args).items() if k in names}, **renamed)


def main(argv=None) -> Dict[str, dict]:
    args = parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    if args.pipeline_folder:
        bench = dict(folder=args.pipeline_folder, peers=args.pipeline_peers, batch=args.batch or 8)
        results = run_pipelines(options(PipelineBench, argparse.Namespace(
            **{k: v for k, v in vars(args).items() if k not in ('peers', 'batch')}), **bench))
    elif args.recipe:
        results = run_recipes(options(StepBench, args), args.recipe)
    else:
        results = (run_memory if args.memory_only else run_step)(options(StepBench, args))
    if args.json:
        append_json_line(args.json, argv if argv is not None else sys.argv[1:], args.device, results)
    return results


if __name__ == '__main__':
    main()
