"""Decode only what a random resized crop needs: MAE's LoadImage + RandomResizedCrop in one step.

A JPEG's size is read from its header (nothing decoded), the crop box is drawn as
MMPretrain's ``RandomResizedCrop`` draws it, and where the crop is at least twice the output
size libjpeg decodes the image 2, 4 or 8 times smaller in the DCT domain (what Pillow's
``Image.draft`` does, but faster). With the default torch resize only the crop's region is
decoded (libjpeg-turbo's TurboJPEG 3 cropping, :mod:`.region_decode`), else the whole
(reduced) image through OpenCV (``IMREAD_REDUCED_COLOR_n``): the same pixels either way. The
crop is then resized to the output size with torch's antialiased kernel (the default: about 5x
faster than Pillow's on one core, within rounding of it) or with Pillow, as the pillow backend of
the crop does.
"""
import math
from typing import Optional, Sequence, Tuple, Union

import cv2
import numpy as np
import torch
from mmcv.image.geometric import pillow_interp_codes
from PIL import Image

from mmmae.registry import TRANSFORMS
from .jpeg_header import jpeg_header
from .loading import JPEG_END, LoadImage, decode_image
from .region_decode import decode_region

DRAFT_FACTORS = (8, 4, 2)  # the DCT-domain reductions libjpeg offers (besides 1)
REDUCED_READS = {2: cv2.IMREAD_REDUCED_COLOR_2, 4: cv2.IMREAD_REDUCED_COLOR_4,
                 8: cv2.IMREAD_REDUCED_COLOR_8}  # OpenCV: libjpeg's scale_denom for a JPEG
TORCH_ANTIALIASED = ('bilinear', 'bicubic')  # torch's interpolate(antialias=True) modes


def random_crop_box(height: int, width: int, crop_ratio_range: Tuple[float, float],
                    aspect_ratio_range: Tuple[float, float],
                    max_attempts: int) -> Tuple[int, int, int, int]:
    """``(top, left, crop_height, crop_width)`` drawn from the global ``np.random`` exactly as
    MMPretrain's ``RandomResizedCrop`` draws its box: same numbers, same order, same central
    fallback, so one numpy seed gives one box in both."""
    log_low, log_high = math.log(aspect_ratio_range[0]), math.log(aspect_ratio_range[1])
    for _ in range(max_attempts):
        area = np.random.uniform(*crop_ratio_range) * (height * width)
        aspect = math.exp(np.random.uniform(log_low, log_high))
        crop_w, crop_h = int(round(math.sqrt(area * aspect))), int(round(math.sqrt(area / aspect)))
        if 0 < crop_w <= width and 0 < crop_h <= height:
            top = np.random.randint(0, height - crop_h + 1)
            return top, np.random.randint(0, width - crop_w + 1), crop_h, crop_w
    image_aspect = width / height
    crop_h, crop_w = height, width  # central crop, clamped to the aspect ratio range
    if image_aspect < min(aspect_ratio_range):
        crop_h = int(round(width / min(aspect_ratio_range)))
    elif image_aspect > max(aspect_ratio_range):
        crop_w = int(round(height * max(aspect_ratio_range)))
    return (height - crop_h) // 2, (width - crop_w) // 2, crop_h, crop_w


def draft_factor(crop_h: int, crop_w: int, out_h: int, out_w: int) -> int:
    """The largest DCT reduction (8, 4, 2, else 1) that keeps the crop >= the output size."""
    room = min(crop_h // out_h, crop_w // out_w)
    return next((f for f in DRAFT_FACTORS if f <= room), 1)


def jpeg_size(data: bytes) -> Optional[Tuple[int, int]]:
    """``(h, w)`` from the header of a complete JPEG that needs no EXIF rotation (OpenCV turns
    those as it decodes them); else None. Nothing is decoded."""
    if JPEG_END not in data[-64:]:
        return None
    header = jpeg_header(data)
    return header[:2] if header is not None and header[2] == 1 else None


@TRANSFORMS.register_module()
class LoadRandomResizedCrop(LoadImage):
    """Load an image and take a random resized crop, decoding a JPEG only at the crop's need.

    Replaces ``LoadImage`` + MMPretrain's ``RandomResizedCrop(backend='pillow')``: the same
    keys (``img`` uint8 BGR ``[*scale, 3]``, ``img_shape`` as the crop sets it, ``ori_shape``
    the file's ``(h, w)``), the same crop box for the same ``np.random`` state, the same
    ``on_error``. The bytes come from ``results['img']`` when it holds a file's bytes (a 1-D
    uint8 array, as ``LoadImageBytes`` leaves it), else from ``results['img_path']``.

    With ``resize_backend='pillow'`` the pixels are identical to that pair's where the crop is
    under twice the output size (or ``draft=False``) and for files that are not JPEGs or are
    EXIF-rotated: those are decoded whole by ``decode_image``. Otherwise the JPEG is decoded 2, 4
    or 8 times smaller in the DCT domain and the crop resized from there: close to the pair's
    pixels (mean absolute difference about 1 of 255), not equal. The default
    ``resize_backend='torch'`` resizes with torch's antialiased kernel instead of Pillow's, about 5x
    faster: a mean absolute difference of about 0.03 of 255 on whole decodes; on reduced ones
    the box is rounded to whole pixels of the reduced image (at most ``factor / 2`` source
    pixels off), the same mean difference of about 1.

    ``flip_prob > 0`` also does what a following ``RandomFlip(prob=flip_prob)`` does (the same
    draw, pixels and ``flip`` / ``flip_direction`` keys), without that step's Python overhead
    (about 50 µs, 6 % of a 128-px crop's loading).
    """

    def __init__(self, scale: Union[int, Sequence[int]],
                 crop_ratio_range: Tuple[float, float] = (0.08, 1.0),
                 aspect_ratio_range: Tuple[float, float] = (3. / 4., 4. / 3.),
                 max_attempts: int = 10, interpolation: str = 'bicubic', draft: bool = True,
                 resize_backend: str = 'torch', flip_prob: float = 0.0, on_error: str = 'stop',
                 backend_args: Optional[dict] = None) -> None:
        self.scale = (scale, scale) if isinstance(scale, int) else tuple(scale)  # (h, w)
        if len(self.scale) != 2 or min(self.scale) <= 0:
            raise ValueError(f'LoadRandomResizedCrop scale must be a positive int or (h, w), '
                             f'got {scale!r}')
        for name, (low, high) in (('crop_ratio_range', crop_ratio_range),
                                  ('aspect_ratio_range', aspect_ratio_range)):
            if not 0 < low <= high:
                raise ValueError(f'LoadRandomResizedCrop {name} must be (min, max) with 0 < min '
                                 f'<= max, got {(low, high)!r}')
        if not isinstance(max_attempts, int) or max_attempts < 0:
            raise ValueError(f'LoadRandomResizedCrop max_attempts must be an int >= 0, '
                             f'got {max_attempts!r}')
        if interpolation not in pillow_interp_codes:
            raise ValueError(f'LoadRandomResizedCrop interpolation must be one of '
                             f'{sorted(pillow_interp_codes)}, got {interpolation!r}')
        if resize_backend not in ('pillow', 'torch') or (
                resize_backend == 'torch' and interpolation not in TORCH_ANTIALIASED):
            raise ValueError(f"LoadRandomResizedCrop resize_backend must be 'pillow', or 'torch' with "
                             f'interpolation {TORCH_ANTIALIASED}, got {resize_backend!r} with '
                             f'{interpolation!r}')
        if not 0.0 <= flip_prob <= 1.0:
            raise ValueError(f'LoadRandomResizedCrop flip_prob must be in [0, 1], got {flip_prob!r}')
        super().__init__(on_error, backend_args)
        self.crop_ratio_range, self.aspect_ratio_range = crop_ratio_range, aspect_ratio_range
        self.max_attempts, self.draft = max_attempts, draft
        self.interpolation, self.resize_backend = interpolation, resize_backend
        self.flip_prob = flip_prob

    def read(self, results: dict) -> Tuple[bytes, str]:
        """The file's bytes carried in ``results['img']`` (a 1-D uint8 array, as
        ``LoadImageBytes`` leaves it), else read from ``results['img_path']``."""
        carried = results.get('img')
        if isinstance(carried, np.ndarray) and carried.ndim == 1:
            return carried.tobytes(), str(results.get('img_path') or 'the carried bytes')
        return super().read(results)

    def decode(self, data: bytes, name: str, results: dict) -> dict:
        image, original = self.crop(data, name)
        if self.flip_prob > 0:  # RandomFlip(prob)'s one draw: np.random.choice(p=[prob, 1 - prob])
            flip = bool(np.random.random_sample() < self.flip_prob)
            results['flip'], results['flip_direction'] = flip, 'horizontal' if flip else None
            if flip:
                image = np.ascontiguousarray(image[:, ::-1])
        results['img'] = image
        results['ori_shape'], results['img_shape'] = original, image.shape
        return results

    def crop(self, data: bytes, path: str) -> Tuple[np.ndarray, Tuple[int, int]]:
        """The BGR crop of the encoded image ``data`` and the image's ``(h, w)``."""
        size = jpeg_size(data)
        if size is None:
            return self.crop_decoded(decode_image(data, path))
        box = random_crop_box(*size, self.crop_ratio_range, self.aspect_ratio_range, self.max_attempts)
        factor = draft_factor(*box[2:], *self.scale) if self.draft else 1
        if self.resize_backend == 'torch':  # whole pixels of the reduced image
            top, left, bottom, right = (round(c / factor) for c in (
                box[0], box[1], box[0] + box[2], box[1] + box[3]))
            reduced_box = top, left, max(bottom, top + 1), max(right, left + 1)
            region = decode_region(data, reduced_box, factor, size)
            if region is not None:
                return self.resize(region), size
        reduced = cv2.imdecode(np.frombuffer(data, np.uint8), REDUCED_READS[factor]) \
            if factor > 1 else None
        if reduced is None:  # no reduction, or one OpenCV refused: LoadImage's decode and errors
            return self.crop_decoded(decode_image(data, path), box)
        if self.resize_backend == 'torch':
            top, left, bottom, right = reduced_box
            return self.resize(reduced[top:bottom, left:right]), size
        top, left, crop_h, crop_w = (c / factor for c in box)  # Pillow: a sub-pixel box
        resized = Image.fromarray(reduced).resize(self.scale[::-1], pillow_interp_codes[
            self.interpolation], box=(left, top, left + crop_w, top + crop_h))
        return np.array(resized), size

    def crop_decoded(self, image: np.ndarray, box: Optional[Tuple[int, int, int, int]] = None
                     ) -> Tuple[np.ndarray, Tuple[int, int]]:
        """``image`` (BGR) cropped at ``box`` (drawn here if None) and resized, as the baseline."""
        height, width = image.shape[:2]
        top, left, crop_h, crop_w = box or random_crop_box(
            height, width, self.crop_ratio_range, self.aspect_ratio_range, self.max_attempts)
        return self.resize(image[top:top + crop_h, left:left + crop_w]), (height, width)

    def resize(self, crop: np.ndarray) -> np.ndarray:
        """``crop`` at the output size: with torch's antialiased kernel (about 5x faster than
        Pillow's, within 1 of its values), or with Pillow as ``mmcv.imresize(backend='pillow')``
        does."""
        if self.resize_backend == 'pillow':
            return np.array(Image.fromarray(crop).resize(self.scale[::-1],
                                                         pillow_interp_codes[self.interpolation]))
        # channels-last in and out: torch's uint8 kernel runs on that layout (about twice as
        # fast as on a strided view) and the result is already a contiguous HWC array
        pixels = torch.from_numpy(crop).permute(2, 0, 1)[None].contiguous(
            memory_format=torch.channels_last)
        resized = torch.nn.functional.interpolate(pixels, size=self.scale, mode=self.interpolation,
                                                  antialias=True)
        return np.ascontiguousarray(resized[0].permute(1, 2, 0).numpy())

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(scale={self.scale}, crop_ratio_range='
                f'{self.crop_ratio_range}, aspect_ratio_range={self.aspect_ratio_range}, '
                f'max_attempts={self.max_attempts}, interpolation={self.interpolation!r}, '
                f'draft={self.draft}, resize_backend={self.resize_backend!r}, '
                f'flip_prob={self.flip_prob}, on_error={self.on_error!r})')
