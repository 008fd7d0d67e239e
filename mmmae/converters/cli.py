"""The command-line flow of every converter tool: parse, convert, write, print, verify."""
import argparse
from typing import Optional, Sequence

from .convert import convert_checkpoint, find_direction
from .directions import Conversion, Direction
from .verify import report


def build_parser(direction: Direction, doc: Optional[str] = None) -> argparse.ArgumentParser:
    """``SRC DST``, the direction's options and ``--verify``; ``doc`` (the tool's docstring)
    gives the description and the epilog."""
    doc = doc or direction.name
    parser = argparse.ArgumentParser(description=doc.split('\n')[0], epilog=doc,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('src', help=direction.source)
    parser.add_argument('dst', help=direction.target)
    for option in direction.options:
        flag = option.flag or '--' + option.name.replace('_', '-')
        if option.type is bool:
            parser.add_argument(flag, dest=option.name, help=option.help,
                                action='store_false' if option.default else 'store_true')
        else:
            parser.add_argument(flag, dest=option.name, help=option.help, type=option.type,
                                default=option.default, required=option.required)
    parser.add_argument('--verify', action='store_true', help=f'compare {direction.checks}')
    return parser


def main(direction: str, argv: Optional[Sequence[str]] = None, doc: Optional[str] = None
         ) -> Conversion:
    """Run the converter tool of ``direction`` on ``argv``: convert and write, print what was
    written, and with ``--verify`` report the differences (exiting above 1e-5). A checkpoint
    or an option the conversion refuses exits with its message."""
    spec = find_direction(direction)
    parser = build_parser(spec, doc)
    options = vars(parser.parse_args(argv))
    src, dst, verify = options.pop('src'), options.pop('dst'), options.pop('verify')
    try:
        conversion = convert_checkpoint(src, dst, direction, verify=verify, **options)
    except ValueError as err:
        parser.error(str(err))
    print(spec.summary(conversion))
    if verify:
        report(conversion.diffs, spec.peer)
    return conversion
