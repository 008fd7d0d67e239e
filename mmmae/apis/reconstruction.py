"""MAE reconstructions of images and clips: arrays, and optionally the pictures."""
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import torch
from mmengine.dataset import Compose, default_collate

from mmmae.registry import DATASETS
from mmmae.visualization import save_reconstruction_gif, save_reconstruction_grid
from mmmae.visualization.reconstruction import ROWS
from .inference import config_scope

IMAGE_SUFFIXES = ('.png', '.jpg', '.jpeg', '.bmp', '.webp', '.tif', '.tiff')
VIDEO_SUFFIXES = ('.mp4', '.avi', '.mkv', '.mov', '.webm')


def image_files(path: str, suffixes: Tuple[str, ...] = IMAGE_SUFFIXES) -> List[Path]:
    """The file itself, or the files with ``suffixes`` in a folder (sorted, recursively)."""
    root = Path(path)
    if root.is_file():
        return [root]
    if not root.is_dir():
        raise FileNotFoundError(f'{path} is neither a file nor a folder')
    files = sorted(p for p in root.rglob('*') if p.suffix.lower() in suffixes)
    if not files:
        raise FileNotFoundError(f'no files ({", ".join(suffixes)}) under {path}')
    return files


def reconstruction_batch(model: torch.nn.Module, inputs: Optional[str] = None,
                         num: int = 8) -> Tuple[dict, List[str]]:
    """Collated samples and their names: the images of ``inputs`` (a file or a folder, resized
    on the short side and center-cropped to the model's input size), or else the first ``num``
    images of the test set of ``model.cfg`` (its train set where it has none)."""
    with config_scope(model.cfg):
        return _samples(model, inputs, num)


def _clip_samples(model: torch.nn.Module, inputs: str) -> Tuple[dict, List[str]]:
    """The videos of ``inputs`` through the config's test pipeline (else the middle clip of the
    model's frames, every frame, centre square), collated."""
    channels, frames, height, width = model.backbone.clip_shape
    steps = (model.cfg.get('test_dataloader') or {}).get('dataset', {}).get('pipeline') or [
        dict(type='LoadVideoClip', num_frames=frames, frame_interval=1, sampling='uniform'),
        dict(type='ClipRandomResizedCrop', scale=(height, width), aspect_ratio_range=(1.0, 1.0),
             max_attempts=0),
        dict(type='PackClip')]
    pipeline = Compose(steps)
    files = image_files(inputs, VIDEO_SUFFIXES)
    return default_collate([pipeline(dict(video_path=str(f))) for f in files]), [f.stem for f in files]


def _samples(model: torch.nn.Module, inputs: Optional[str], num: int) -> Tuple[dict, List[str]]:
    if inputs and hasattr(model.backbone, 'clip_shape'):
        return _clip_samples(model, inputs)
    if inputs:
        height, width = (g * model.backbone.patch_size for g in model.backbone.grid)
        pipeline = Compose([
            dict(type='LoadImageFromFile'),
            dict(type='ResizeEdge', scale=min(height, width), edge='short', backend='pillow',
                 interpolation='bicubic'),
            dict(type='CenterCrop', crop_size=(width, height)),
            dict(type='PackInputs')])
        files = image_files(inputs)
        return default_collate([pipeline(dict(img_path=str(f))) for f in files]), \
            [f.stem for f in files]
    cfg = model.cfg
    dataset = DATASETS.build((cfg.get('test_dataloader') or cfg.train_dataloader).dataset)
    indices = range(min(num, len(dataset)))
    return default_collate([dataset[i] for i in indices]), [f'test_{i:04d}' for i in indices]


@torch.no_grad()
def reconstruct(model: torch.nn.Module, inputs: Optional[str] = None, num: int = 8, seed: int = 0,
                out_dir: Optional[str] = None, scale: int = 1) -> Dict[str, torch.Tensor]:
    """``MAE.reconstruct``'s arrays for the images (see :func:`reconstruction_batch`), plus
    their ``names``.

    The masks come from ``seed``: the same seed gives the same masks. With ``out_dir`` the
    pictures are written too: ``<name>.png`` per image (original / masked input /
    reconstruction / reconstruction with the visible patches pasted back, integer-upscaled by
    ``scale``) and ``grid.png`` with every image as a column. With a video model the inputs are
    videos (``.mp4``, ...), ``<name>.png`` holds a strip of frames per panel, ``<name>.gif``
    animates the four panels side by side, and ``grid.png`` stacks every clip's strips.
    """
    batch, names = reconstruction_batch(model, inputs, num)
    images = model.data_preprocessor(batch)['inputs']
    noise = torch.rand(images.shape[0], *model.backbone.noise_shape,
                       generator=torch.Generator().manual_seed(seed)).to(images.device)
    outputs = {kind: value.cpu() for kind, value in model.reconstruct(images, noise).items()}
    if out_dir is not None:
        out = Path(out_dir)
        for i, name in enumerate(names):  # one row per image, the four panels as its columns
            panels = torch.stack([outputs[kind][i] for kind in ROWS])
            save_reconstruction_grid({'row': panels}, out / f'{name}.png', rows=('row',), scale=scale)
            if panels.ndim == 5:  # a clip: also an animation of its four panels
                save_reconstruction_gif(panels, out / f'{name}.gif', scale=scale)
        save_reconstruction_grid(outputs, out / 'grid.png', scale=scale)
    return dict(outputs, names=names)
