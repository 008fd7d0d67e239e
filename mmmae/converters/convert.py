"""Converting a checkpoint file: the library entry point that the converter tools call."""
import os
from typing import Union

from .checkpoint_io import read_state_dict, weights_file
from .directions import DIRECTIONS, Conversion, Direction


def find_direction(name: str) -> Direction:
    """The direction called ``name`` (``'timm2mmmae'``, ...); ``ValueError`` naming the valid
    ones for another name."""
    if name not in DIRECTIONS:
        raise ValueError(f"unknown conversion direction '{name}'; choose one of {sorted(DIRECTIONS)}")
    return DIRECTIONS[name]


def convert_checkpoint(src: Union[str, os.PathLike], dst: Union[str, os.PathLike], direction: str,
                       verify: bool = False, **options) -> Conversion:
    """Convert the checkpoint ``src`` into ``dst`` (written atomically) in ``direction``.

    ``direction`` is one of ``'timm2mmmae'``, ``'official2mmmae'``, ``'mmpretrain2mmmae'``,
    ``'hf2mmmae'``, ``'mmmae2timm'``, ``'mmmae2hf'`` (``dst`` is a folder then),
    ``'mmmae2mmseg'``, ``'videomae2mmmae'`` and ``'mmmae2videomae'`` (a folder), as the tools
    in ``tools/model_converters/`` are named; ``options`` are that tool's options as keywords
    (``num_heads=12``, ``decoder_num_heads=16``, ...). ``src`` may be a file or a
    ``save_pretrained`` folder. With ``verify``, both models are built and run on the same
    input, and ``diffs`` of the result holds the largest output differences (judging them is
    the caller's: the tools fail above 1e-5).
    """
    spec = find_direction(direction)
    options = spec.resolve(options)
    path = weights_file(os.fspath(src))
    source = read_state_dict(path)
    state_dict, info = spec.convert(source, options)
    conversion = Conversion(direction, path, os.fspath(dst), state_dict, options, info)
    spec.write(conversion)
    if verify:
        conversion.diffs = spec.verify(source, conversion)
    return conversion
