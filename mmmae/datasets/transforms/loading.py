"""Image loading that handles every colour mode and names a bad file with the fix."""
import io
import logging
from typing import Optional, Tuple

import cv2
import numpy as np
from mmcv.transforms import BaseTransform
from mmengine.fileio import get
from mmengine.logging import print_log
from PIL import Image, UnidentifiedImageError

from mmmae.registry import TRANSFORMS

JPEG_START, JPEG_END = b'\xff\xd8', b'\xff\xd9'


class BadImageError(ValueError):
    """An image file that is missing, empty, truncated or not an image."""


def decode_image(data: bytes, path: str) -> np.ndarray:
    """``data`` as a uint8 BGR array ``[H, W, 3]``, whatever its colour mode.

    Grayscale, RGBA (alpha dropped), palette, 16-bit and CMYK images are converted.
    Raises :class:`BadImageError` naming ``path`` for an empty, truncated or
    undecodable file.
    """
    if not data:
        raise BadImageError(f'{path} is empty (0 bytes); copy it again or remove it from the '
                            'annotation list')
    if data.startswith(JPEG_START) and JPEG_END not in data[-64:]:
        raise BadImageError(f'{path} is a truncated JPEG (no end-of-image marker); copy it again '
                            'or remove it from the annotation list')
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if image is not None:
        return image
    try:  # formats OpenCV does not read (GIF, some TIFF/WebP variants)
        with Image.open(io.BytesIO(data)) as pil:
            return np.ascontiguousarray(np.asarray(pil.convert('RGB'))[..., ::-1])
    except (UnidentifiedImageError, OSError, ValueError) as err:
        raise BadImageError(f'{path} cannot be decoded as an image ({err}); replace it or remove '
                            'it from the annotation list') from err


def log_skipped(transform: BaseTransform, error: Exception) -> None:
    """Count a sample that ``transform`` (``on_error='skip'``) skips, in its ``skipped``, and
    log the error with this data worker's running count."""
    transform.skipped += 1
    print_log(f'skipped a bad sample: {error} ({transform.skipped} skipped by this data worker)',
              logger='current', level=logging.WARNING)


@TRANSFORMS.register_module()
class LoadImage(BaseTransform):
    """Load ``results['img_path']`` as uint8 BGR (as MMCV's ``LoadImageFromFile`` does), robustly.

    ``on_error='stop'`` raises :class:`BadImageError` naming the file and the fix;
    ``'skip'`` returns None, so the dataset draws another sample (MMEngine's
    refetch in training), and logs the file with this worker's running count.
    """

    def __init__(self, on_error: str = 'stop', backend_args: Optional[dict] = None) -> None:
        if on_error not in ('stop', 'skip'):
            raise ValueError(f"{type(self).__name__} on_error must be 'stop' or 'skip', "
                             f'got {on_error!r}')
        self.on_error, self.backend_args = on_error, backend_args
        self.skipped = 0

    def transform(self, results: dict) -> Optional[dict]:
        try:
            return self.decode(*self.read(results), results)
        except BadImageError as err:
            if self.on_error == 'stop':
                raise
            log_skipped(self, err)
            return None

    def decode(self, data: bytes, name: str, results: dict) -> dict:
        """``results`` with the decoded image (``img``, ``img_shape``, ``ori_shape``); raises
        :class:`BadImageError` naming ``name`` for bytes that are not a whole image."""
        image = decode_image(data, name)
        results['img'] = image
        results['img_shape'] = results['ori_shape'] = image.shape[:2]
        return results

    def read(self, results: dict) -> Tuple[bytes, str]:
        """The sample's encoded bytes and the name errors give it (``results['img_path']``)."""
        path = results['img_path']
        try:
            return get(path, backend_args=self.backend_args), path
        except FileNotFoundError as err:
            raise BadImageError(f'{path} does not exist, but the annotation list names it; '
                                'restore the file or remove its line') from err


@TRANSFORMS.register_module()
class LoadImageBytes(BaseTransform):
    """Read ``results['img_path']`` without decoding it: ``results['img']`` is the file's bytes
    as a 1-D uint8 array, for ``DeviceDecodePreprocessor`` to decode on the GPU.

    With ``PackInputs`` and ``collate_fn=dict(type='pseudo_collate')`` (files differ in length)
    the model's data preprocessor receives a list of 1-D uint8 tensors. A missing or empty
    file raises :class:`BadImageError` naming it.
    """

    def __init__(self, backend_args: Optional[dict] = None) -> None:
        self.backend_args = backend_args

    def transform(self, results: dict) -> dict:
        path = results['img_path']
        try:
            data = get(path, backend_args=self.backend_args)
        except FileNotFoundError as err:
            raise BadImageError(f'{path} does not exist, but the annotation list names it; '
                                'restore the file or remove its line') from err
        if not data:
            raise BadImageError(f'{path} is empty (0 bytes); copy it again or remove it from the '
                                'annotation list')
        results['img'] = np.frombuffer(data, np.uint8).copy()  # writable, for torch.from_numpy
        return results
