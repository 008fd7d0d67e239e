"""Clips from video files: frame sampling and decoding (PyAV), one random resized crop and flip
for all the frames of a clip, and packing as ``[C, T, H, W]``."""
from typing import Optional, Sequence, Tuple, Union

import numpy as np
import torch
from mmcv.transforms import BaseTransform
from mmpretrain.structures import DataSample

from mmmae.registry import TRANSFORMS
from .crop_decode import random_crop_box
from .loading import log_skipped

SAMPLINGS = ('random', 'uniform')


class BadVideoError(ValueError):
    """A video file that is missing, corrupt or too short for the clip asked for."""


def clip_start(num_video_frames: int, span: int, sampling: str) -> int:
    """First frame of a clip covering ``span`` frames: drawn from ``np.random`` (``random``) or
    the middle one (``uniform``)."""
    room = num_video_frames - span
    return np.random.randint(0, room + 1) if sampling == 'random' else room // 2


def segment_frames(num_video_frames: int, num_frames: int, sampling: str) -> np.ndarray:
    """One frame from each of ``num_frames`` equal segments of the video (TSN-style, VideoMAE's
    Something-Something v2 sampling): a random one of each (``random``, from ``np.random``) or
    the middle one (``uniform``)."""
    edges = np.linspace(0, num_video_frames, num_frames + 1).astype(int)
    lengths = np.diff(edges)
    offsets = np.random.uniform(0, 1, num_frames) if sampling == 'random' else np.full(num_frames, 0.5)
    return edges[:-1] + (offsets * lengths).astype(int)


@TRANSFORMS.register_module()
class LoadVideoClip(BaseTransform):
    """Decode ``num_frames`` frames, ``frame_interval`` apart, of ``results['video_path']`` with
    PyAV: ``img`` uint8 BGR ``[T, H, W, 3]``, ``frame_inds``, ``total_frames``, ``ori_shape``.

    ``sampling='random'`` draws the clip's start from ``np.random`` (put it in
    ``SeededAugment`` for draws that depend only on (seed, epoch, index)); ``'uniform'`` takes
    the middle clip (evaluation). ``segments=True`` takes one frame from each of ``num_frames``
    equal segments of the whole video instead (``frame_interval`` unused; random or middle frame
    of each, by ``sampling``). A video too short for the clip, unreadable or without a video
    stream raises :class:`BadVideoError` naming it and the fix, or with ``on_error='skip'`` is
    logged and skipped (the dataset draws another sample).
    """

    def __init__(self, num_frames: int = 16, frame_interval: int = 4, sampling: str = 'random',
                 segments: bool = False, on_error: str = 'stop') -> None:
        if num_frames < 1 or frame_interval < 1:
            raise ValueError(f'LoadVideoClip needs num_frames and frame_interval >= 1, got '
                             f'{num_frames} and {frame_interval}')
        if sampling not in SAMPLINGS or on_error not in ('stop', 'skip'):
            raise ValueError(f"LoadVideoClip sampling must be one of {SAMPLINGS} and on_error 'stop' "
                             f"or 'skip', got {sampling!r} and {on_error!r}")
        self.num_frames, self.frame_interval, self.sampling = num_frames, frame_interval, sampling
        self.segments, self.on_error, self.skipped = segments, on_error, 0

    @property
    def span(self) -> int:
        """Frames a video needs at least (from a clip's first frame to its last)."""
        return self.num_frames if self.segments else (self.num_frames - 1) * self.frame_interval + 1

    def frame_indices(self, num_video_frames: int) -> np.ndarray:
        """The sorted indices of the frames to decode."""
        if self.segments:
            return segment_frames(num_video_frames, self.num_frames, self.sampling)
        start = clip_start(num_video_frames, self.span, self.sampling)
        return np.arange(start, start + self.span, self.frame_interval)

    def decode(self, path: str) -> Tuple[np.ndarray, np.ndarray, int]:
        """``(frames [T, H, W, 3] BGR, their indices, the video's frame count)``."""
        import av
        try:
            with av.open(path) as container:
                if not container.streams.video:
                    raise BadVideoError(f'{path} has no video stream; remove it from the annotation list')
                stream = container.streams.video[0]
                total = stream.frames or sum(1 for _ in container.decode(video=0))
                if total < self.span:
                    spacing = 'from segments' if self.segments else f'{self.frame_interval} apart'
                    raise BadVideoError(
                        f'{path} has {total} frames, and a clip of {self.num_frames} frames '
                        f'{spacing} needs {self.span}; lower num_frames or frame_interval, or '
                        'remove the video from the annotation list')
                container.seek(0)
                indices = self.frame_indices(total)
                wanted = set(indices.tolist())
                frames, decoded = [], 0
                for index, frame in enumerate(container.decode(video=0)):
                    decoded = index + 1
                    if index in wanted:
                        frames.append(frame.to_ndarray(format='bgr24'))
                    if len(frames) == self.num_frames:
                        break
        except (av.error.FFmpegError, OSError) as err:
            raise BadVideoError(f'{path} cannot be decoded as a video ({err}); replace it or remove '
                                'it from the annotation list') from err
        if len(frames) < self.num_frames:  # the container claimed more frames than it holds
            raise BadVideoError(f'{path} ends after {decoded} of the {total} frames its header '
                                'claims (truncated?); copy it again or remove it from the list')
        return np.stack(frames), indices, total

    def transform(self, results: dict) -> Optional[dict]:
        try:
            frames, indices, total = self.decode(str(results['video_path']))
        except BadVideoError as err:
            if self.on_error == 'stop':
                raise
            log_skipped(self, err)
            return None
        results.update(img=frames, frame_inds=indices, total_frames=total,
                       ori_shape=frames.shape[1:3], img_shape=frames.shape[1:3])
        return results


@TRANSFORMS.register_module()
class ClipRandomResizedCrop(BaseTransform):
    """One random resized crop for every frame of ``img [T, H, W, C]``: the box as MMPretrain's
    ``RandomResizedCrop`` draws it (same numbers from ``np.random``), resized with torch's
    antialiased bicubic to ``scale``; any number of channels (band stacks too)."""

    def __init__(self, scale: Union[int, Sequence[int]], crop_ratio_range: Tuple[float, float] = (0.08, 1.0),
                 aspect_ratio_range: Tuple[float, float] = (3. / 4., 4. / 3.),
                 max_attempts: int = 10) -> None:
        self.scale = (scale, scale) if isinstance(scale, int) else tuple(scale)
        self.crop_ratio_range, self.aspect_ratio_range = crop_ratio_range, aspect_ratio_range
        self.max_attempts = max_attempts

    def transform(self, results: dict) -> dict:
        clip = results['img']
        top, left, height, width = random_crop_box(*clip.shape[1:3], self.crop_ratio_range,
                                                   self.aspect_ratio_range, self.max_attempts)
        crop = torch.from_numpy(np.ascontiguousarray(clip[:, top:top + height, left:left + width]))
        pixels = crop.permute(0, 3, 1, 2).float()
        resized = torch.nn.functional.interpolate(pixels, size=self.scale, mode='bicubic',
                                                  antialias=True, align_corners=False)
        dtype = clip.dtype
        if np.issubdtype(dtype, np.integer):
            info = np.iinfo(dtype)
            resized = resized.round().clamp(info.min, info.max)
        results['img'] = resized.permute(0, 2, 3, 1).numpy().astype(dtype)
        results['img_shape'] = self.scale
        return results


@TRANSFORMS.register_module()
class ClipFlip(BaseTransform):
    """Flip every frame of ``img [T, H, W, C]`` left-right with probability ``prob`` (one
    ``np.random`` draw)."""

    def __init__(self, prob: float = 0.5) -> None:
        self.prob = prob

    def transform(self, results: dict) -> dict:
        results['flip'] = bool(np.random.random_sample() < self.prob)
        if results['flip']:
            results['img'] = np.ascontiguousarray(results['img'][:, :, ::-1])
        return results


@TRANSFORMS.register_module()
class PackClip(BaseTransform):
    """``inputs``: the clip ``img [T, H, W, C]`` as a tensor ``[C, T, H, W]``; ``data_samples``: an
    MMPretrain ``DataSample`` with ``gt_label`` (if any) and the meta keys present, so that
    ``ImageClassifier`` and its metrics take clips as they take images."""

    def __init__(self, meta_keys: Sequence[str] = ('video_path', 'frame_inds', 'total_frames',
                                                    'ori_shape', 'img_shape', 'flip', 'sample_idx')
                 ) -> None:
        self.meta_keys = tuple(meta_keys)

    def transform(self, results: dict) -> dict:
        clip = torch.from_numpy(np.ascontiguousarray(results['img'].transpose(3, 0, 1, 2)))
        sample = DataSample(metainfo={k: results[k] for k in self.meta_keys if k in results})
        if 'gt_label' in results:
            sample.set_gt_label(results['gt_label'])
        return dict(inputs=clip, data_samples=sample)
