"""Multispectral band stacks (optionally over time) from ``.npy`` or GeoTIFF files."""
from pathlib import Path
from typing import Optional

import numpy as np
from mmcv.transforms import BaseTransform

from mmmae.registry import TRANSFORMS
from .loading import log_skipped

STACK_SUFFIXES = ('.npy', '.tif', '.tiff')


class BadBandStackError(ValueError):
    """A band stack that is missing, unreadable or of the wrong shape."""


@TRANSFORMS.register_module()
class LoadBandStack(BaseTransform):
    """Load ``results['img_path']``, an ``.npy`` array or a GeoTIFF (tifffile), as ``img``
    ``[T, H, W, bands]`` in its own dtype, so the clip transforms (``ClipRandomResizedCrop``,
    ``PackClip``) and ``ClipDataPreprocessor`` (one mean and std per band) take it as a clip.

    The file holds ``[H, W, bands]`` (one time step) or ``[T, H, W, bands]``. A file with another
    number of bands than ``num_bands`` or another number of time steps than ``num_frames``
    (when given), one that is missing or unreadable, raises :class:`BadBandStackError` naming
    it and the fix, or with ``on_error='skip'`` is logged and skipped.
    """

    def __init__(self, num_bands: int, num_frames: Optional[int] = None, on_error: str = 'stop') -> None:
        if on_error not in ('stop', 'skip'):
            raise ValueError(f"LoadBandStack on_error must be 'stop' or 'skip', got {on_error!r}")
        self.num_bands, self.num_frames, self.on_error, self.skipped = num_bands, num_frames, on_error, 0

    def read(self, path: Path) -> np.ndarray:
        """The stack as ``[T, H, W, bands]``."""
        if path.suffix.lower() not in STACK_SUFFIXES:
            raise BadBandStackError(f'{path} is not a band stack: give .npy or GeoTIFF (.tif) files')
        try:
            if path.suffix.lower() == '.npy':
                stack = np.load(path, allow_pickle=False)
            else:
                import tifffile
                stack = tifffile.imread(path)
        except (OSError, ValueError) as err:
            raise BadBandStackError(f'{path} cannot be read as a band stack ({err}); write it again '
                                    'or remove it from the annotation list') from err
        if stack.ndim == 3:
            stack = stack[None]
        if stack.ndim != 4 or stack.shape[-1] != self.num_bands:
            raise BadBandStackError(
                f'{path} has shape {stack.shape}, expected [H, W, {self.num_bands}] or '
                f'[T, H, W, {self.num_bands}] (bands last); write the stack bands-last with '
                f'{self.num_bands} bands, or set num_bands to what the data has')
        if self.num_frames is not None and stack.shape[0] != self.num_frames:
            raise BadBandStackError(f'{path} has {stack.shape[0]} time steps, the model takes '
                                    f'{self.num_frames}; select them when writing the stacks')
        return stack

    def transform(self, results: dict) -> Optional[dict]:
        try:
            stack = self.read(Path(results['img_path']))
        except BadBandStackError as err:
            if self.on_error == 'stop':
                raise
            log_skipped(self, err)
            return None
        results.update(img=stack, ori_shape=stack.shape[1:3], img_shape=stack.shape[1:3])
        return results


@TRANSFORMS.register_module()
class StackTimeInChannels(BaseTransform):
    """``img [T, H, W, bands]`` (from ``LoadBandStack``) as an image ``[H, W, T * bands]`` with
    channel ``t * bands + b``, so that MMSegmentation's transforms, ``PackSegInputs`` and
    ``SegDataPreProcessor`` (one mean and std per channel: repeat the band statistics T times)
    take a band time series; ``MAEVideoViTSeg`` unstacks it."""

    def transform(self, results: dict) -> dict:
        stack = results['img']
        if stack.ndim != 4:
            raise ValueError(f'StackTimeInChannels expects img [T, H, W, bands] from LoadBandStack, '
                             f'got shape {stack.shape}')
        frames, height, width, bands = stack.shape
        results['img'] = np.ascontiguousarray(stack.transpose(1, 2, 0, 3).reshape(height, width,
                                                                                   frames * bands))
        return results
