"""The command-line flow that the timm-layout converter tools share."""
import argparse
import os
from typing import Optional

from .checkpoint_io import read_state_dict, write_checkpoint
from .timm_vit import convert_timm_vit
from .verify import compare_with_timm, report


def timm_layout_to_mmmae(argv: Optional[list], doc: str, source: str) -> dict:
    """Parse ``SRC DST [--num-heads] [--verify]``, convert a timm-layout checkpoint, verify."""
    parser = argparse.ArgumentParser(description=doc.split('\n')[0], epilog=doc,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('src', help=f'{source} checkpoint (.pth, .bin or .safetensors)')
    parser.add_argument('dst', help='mmmae checkpoint to write')
    parser.add_argument('--num-heads', type=int, help='attention heads (only for custom archs)')
    parser.add_argument('--verify', action='store_true',
                        help='compare features/logits with timm on a random input')
    args = parser.parse_args(argv)
    converted = convert_timm_vit(read_state_dict(args.src))
    write_checkpoint(converted, args.dst, meta=dict(converted_from=os.path.abspath(args.src),
                                                    source=source))
    decoder = any(k.startswith('neck.') for k in converted)
    print(f'wrote {len(converted)} tensors to {args.dst}' + (' (with the decoder)' if decoder else ''))
    if args.verify:
        report(compare_with_timm(converted, args.num_heads), 'timm')
    return converted
