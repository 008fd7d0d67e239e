"""JPEG decoding, RandomResizedCrop and flip on the model's device, after the data loader.

The data loader workers then only read file bytes (``LoadImageBytes``), which takes the
decode and resize work that limits images/s per CPU core off the CPU. On a GPU the JPEGs
are decoded by nvJPEG (``torchvision.io.decode_jpeg(device='cuda')``); on a CPU the same code
runs with libjpeg, so it is tested without a GPU.
"""
import math
from typing import List, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F
from torchvision.io import ImageReadMode, decode_image, decode_jpeg

from mmmae.registry import MODELS
from .mae_data_preprocessor import IMAGENET_MEAN, IMAGENET_STD, MAEDataPreprocessor

JPEG_MAGIC = (0xFF, 0xD8, 0xFF)


def random_resized_crop_boxes(sizes: torch.Tensor, scale: Tuple[float, float] = (0.08, 1.0),
                              ratio: Tuple[float, float] = (3 / 4, 4 / 3), attempts: int = 10,
                              generator: Optional[torch.Generator] = None) -> torch.Tensor:
    """Crop boxes ``[N, 4]`` (top, left, height, width) for images of ``sizes`` ``[N, 2]`` (h, w).

    Drawn as torchvision's ``RandomResizedCrop.get_params`` draws them, for all images at
    once: up to ``attempts`` tries of an area fraction uniform in ``scale`` and an aspect
    ratio log-uniform in ``ratio``; the first box that fits is placed uniformly; when none
    fits, the centred crop of the whole image with its aspect ratio clamped to ``ratio``.
    Drawn on the CPU from torch's generator: no device synchronisation.
    """
    sizes = sizes.to(torch.float64)
    height, width = sizes[:, :1], sizes[:, 1:]
    n = sizes.shape[0]
    area = height * width * torch.empty(n, attempts, dtype=torch.float64).uniform_(
        scale[0], scale[1], generator=generator)
    log_ratio = torch.empty(n, attempts, dtype=torch.float64).uniform_(
        math.log(ratio[0]), math.log(ratio[1]), generator=generator)
    box_w = torch.round(torch.sqrt(area * log_ratio.exp()))
    box_h = torch.round(torch.sqrt(area / log_ratio.exp()))
    fits = (box_w > 0) & (box_w <= width) & (box_h > 0) & (box_h <= height)
    first = fits.to(torch.int8).argmax(dim=1, keepdim=True)
    found = fits.any(dim=1)
    box_w, box_h = box_w.gather(1, first).squeeze(1), box_h.gather(1, first).squeeze(1)
    height, width = height.squeeze(1), width.squeeze(1)
    # fallback: the whole image, cut to the nearest allowed aspect ratio, centred
    aspect = width / height
    fall_w = torch.where(aspect > ratio[1], torch.round(height * ratio[1]), width)
    fall_h = torch.where(aspect < ratio[0], torch.round(width / ratio[0]), height)
    box_w, box_h = torch.where(found, box_w, fall_w), torch.where(found, box_h, fall_h)
    uniform = torch.rand(n, 2, dtype=torch.float64, generator=generator)
    top = torch.where(found, torch.floor(uniform[:, 0] * (height - box_h + 1)),
                      torch.div(height - box_h, 2, rounding_mode='floor'))
    left = torch.where(found, torch.floor(uniform[:, 1] * (width - box_w + 1)),
                       torch.div(width - box_w, 2, rounding_mode='floor'))
    return torch.stack([top, left, box_h, box_w], dim=1).long()


def crop_resize(image: torch.Tensor, box: Sequence[int], size: int) -> torch.Tensor:
    """Crop ``box`` (top, left, height, width) of a ``[C, H, W]`` image and resize it to
    ``size x size`` with antialiased bicubic interpolation (as Pillow's bicubic), rounded to
    the 0-255 values a uint8 pipeline gives; float32."""
    top, left, height, width = box
    crop = image[None, :, top:top + height, left:left + width].float()
    out = F.interpolate(crop, size=(size, size), mode='bicubic', align_corners=False, antialias=True)
    return out[0].clamp_(0, 255).round_()


def decode_images(encoded: Sequence[torch.Tensor], device: torch.device,
                  names: Sequence[str]) -> List[torch.Tensor]:
    """Encoded files (1-D uint8 CPU tensors) to RGB ``[3, H, W]`` uint8 images on ``device``.

    JPEGs are decoded together on ``device``; other formats (PNG, WebP, GIF, ...) and JPEGs the
    device decoder refuses (CMYK on some GPUs) are decoded on the CPU and moved. A file that
    nothing decodes raises ValueError naming it (``names``).
    """
    images: List[Optional[torch.Tensor]] = [None] * len(encoded)
    jpegs = [i for i, data in enumerate(encoded) if tuple(data[:3].tolist()) == JPEG_MAGIC]
    if jpegs:
        try:
            decoded = decode_jpeg([encoded[i] for i in jpegs], mode=ImageReadMode.RGB, device=device)
        except RuntimeError:  # one file the device refuses fails the batch: one by one
            decoded = [_jpeg_or_none(encoded[i], device) for i in jpegs]
        for index, image in zip(jpegs, decoded):
            images[index] = image
    for index, image in enumerate(images):
        if image is not None:
            continue
        try:
            images[index] = decode_image(encoded[index], mode=ImageReadMode.RGB).to(
                device, non_blocking=True)
        except RuntimeError as err:
            raise ValueError(f'{names[index]} cannot be decoded as an image ({err}); replace it '
                             'or remove it from the annotation list') from err
    return images


def _jpeg_or_none(data: torch.Tensor, device: torch.device) -> Optional[torch.Tensor]:
    try:
        return decode_jpeg(data, mode=ImageReadMode.RGB, device=device)
    except RuntimeError:
        return None


@MODELS.register_module()
class DeviceDecodePreprocessor(MAEDataPreprocessor):
    """MAE's data preprocessor that decodes the images and augments them on the model's device.

    Takes the encoded files that ``LoadImageBytes`` + ``PackInputs`` + ``pseudo_collate``
    give (a list of 1-D uint8 tensors), decodes them (:func:`decode_images`), applies
    RandomResizedCrop (boxes from :func:`random_resized_crop_boxes`, bicubic antialiased
    resize) and a horizontal flip, then normalises; the result is what the CPU pipeline
    ``LoadImage`` + ``RandomResizedCrop`` + ``RandomFlip`` + ``MAEDataPreprocessor`` gives.
    The crop and flip are random whenever the inputs are encoded, so use it for pretraining
    data. Inputs that are already decoded images (BGR, as from ``LoadImage``, e.g. the
    ``ReconstructionHook``'s pipeline) go through ``MAEDataPreprocessor`` unchanged.

    Args:
        crop_size: output side in pixels.
        scale: range of the crop's area fraction (MAE: 0.2 to 1).
        ratio: range of the crop's aspect ratio.
        flip_prob: probability of a horizontal flip.
        mean: per-channel RGB mean on the 0-255 scale.
        std: per-channel RGB std on the 0-255 scale.
        non_blocking: copy to the device without waiting.
    """

    def __init__(self, crop_size: int = 224, scale: Tuple[float, float] = (0.2, 1.0),
                 ratio: Tuple[float, float] = (3 / 4, 4 / 3), flip_prob: float = 0.5,
                 mean: Sequence[float] = IMAGENET_MEAN, std: Sequence[float] = IMAGENET_STD,
                 non_blocking: bool = True) -> None:
        super().__init__(mean=mean, std=std, to_rgb=True, non_blocking=non_blocking)
        if not (0 < scale[0] <= scale[1] <= 1 and 0 < ratio[0] <= ratio[1] and 0 <= flip_prob <= 1):
            raise ValueError(f'need 0 < scale[0] <= scale[1] <= 1, 0 < ratio[0] <= ratio[1] and '
                             f'0 <= flip_prob <= 1; got scale {scale}, ratio {ratio}, '
                             f'flip_prob {flip_prob}')
        self.crop_size, self.scale, self.ratio = crop_size, tuple(scale), tuple(ratio)
        self.flip_prob = flip_prob

    @staticmethod
    def is_encoded(inputs) -> bool:
        """True for a list of 1-D uint8 tensors (encoded files)."""
        return isinstance(inputs, (list, tuple)) and len(inputs) > 0 and all(
            isinstance(x, torch.Tensor) and x.dim() == 1 and x.dtype == torch.uint8 for x in inputs)

    def forward(self, data: dict, training: bool = False) -> dict:
        inputs, samples = data['inputs'], data.get('data_samples')
        if not self.is_encoded(inputs):
            return super().forward(data, training)
        names = [s.metainfo.get('img_path', f'sample {i}') for i, s in enumerate(samples)] \
            if samples else [f'sample {i}' for i in range(len(inputs))]
        device = self.mean.device
        images = decode_images(inputs, device, names)
        boxes = random_resized_crop_boxes(torch.tensor([img.shape[-2:] for img in images]),
                                          self.scale, self.ratio)
        flips = (torch.rand(len(images)) < self.flip_prob).tolist()
        crops = []
        for image, box, flip in zip(images, boxes.tolist(), flips):
            crop = crop_resize(image, box, self.crop_size)
            crops.append(crop.flip(-1) if flip else crop)
        batch = torch.stack(crops).sub_(self.mean).div_(self.std)
        return dict(inputs=batch, data_samples=self.cast_data(samples) if samples else samples)
