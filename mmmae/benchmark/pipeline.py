"""The training input pipelines per CPU core: decode + RandomResizedCrop(``img_size``, 0.2-1) +
flip of mmmae's ImageNet MAE config, of it reading the images from indexed tar shards, of it
with LoadRandomResizedCrop (decode at the crop's need), of MMPretrain 1.2's, and of mmmae's
GPU-decode config (bytes read on the CPU; decode, crop and flip in the data preprocessor on
``device``), alternating. The CPU pipelines run where training runs them, in a data loader
worker (one, one thread); the GPU-decode ones in the main process, which holds the device."""
import math
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List

import torch
from torch.utils.data import DataLoader, Dataset
from mmengine.config import Config
from mmengine.registry import DefaultScope

from mmmae.utils import register_all_modules
from .measure import sync
from .peers import ROOT

MMMAE_DATA = ROOT / 'configs' / '_base_' / 'datasets' / 'imagenet_bs512_mae.py'
MMMAE_CROP_DECODE = ROOT / 'configs' / 'mae' / 'mae_vit-base-p16_8xb512-amp-coslr-300e_in1k-crop-decode.py'
RESIZED_CROPS = ('RandomResizedCrop', 'LoadRandomResizedCrop')
MMMAE_GPU_DECODE = ROOT / 'configs' / 'mae' / 'mae_vit-base-p16_8xb512-amp-coslr-300e_in1k-gpu-decode.py'
PIPELINE_PEERS = ['mmmae', 'mmmae-shards', 'mmmae-crop-decode', 'mmpretrain', 'gpu-decode',
                  'gpu-decode-loader']
MAIN_PROCESS_PEERS = ('gpu-decode', 'gpu-decode-loader')  # they share the device's preprocessor
IMAGE_SUFFIXES = {'.jpg', '.jpeg', '.png', '.webp', '.bmp', '.tif', '.tiff'}


@dataclass
class PipelineBench:
    """What :func:`run_pipelines` measures: the images under ``folder``."""
    folder: str
    as_jpeg: bool = False
    device: str = 'cpu'
    img_size: int = 224  # the crop's output side
    batch: int = 8  # images per gpu-decode batch
    rounds: int = 3
    peers: List[str] = field(default_factory=lambda: list(PIPELINE_PEERS))


def image_files(folder: Path, as_jpeg: bool, scratch: Path) -> List[Path]:
    """The images under ``folder``; with ``as_jpeg`` re-encoded as RGB JPEGs (quality 90)."""
    files = sorted(p for p in folder.rglob('*') if p.suffix.lower() in IMAGE_SUFFIXES)
    if not files:
        raise SystemExit(f'no images under {folder}; write some with '
                         'tools/dataset_converters/skimage_to_folder.py --out DIR')
    if not as_jpeg:
        return files
    from PIL import Image
    out = []
    for index, path in enumerate(files):
        with Image.open(path) as image:
            target = scratch / f'{index:05d}.jpg'
            image.convert('RGB').save(target, quality=90)
            out.append(target)
    return out


def adapted_steps(steps: list, img_size: int) -> list:
    """``steps`` (nested ones too) with each random resized crop at ``img_size``."""
    return [dict(step, transforms=adapted_steps(step['transforms'], img_size)) if 'transforms' in step
            else dict(step, scale=img_size) if step['type'] in RESIZED_CROPS else step
            for step in steps]


def pipeline_steps(config: Path, img_size: int = 224) -> list:
    """The ``train_pipeline`` of a config, its random resized crop at ``img_size``."""
    return adapted_steps(Config.fromfile(str(config)).train_pipeline, img_size)


def build_pipeline(config: Path, scope: str, img_size: int = 224):
    """:func:`pipeline_steps` built in ``scope``'s registry."""
    from mmcv.transforms import Compose
    from mmengine.registry import TRANSFORMS
    with DefaultScope.overwrite_default_scope(scope):
        return Compose([TRANSFORMS.build(t) for t in pipeline_steps(config, img_size)])


def shard_reader(files: List[Path], scratch: Path, img_size: int) -> Callable[[List[Path]], list]:
    """mmmae's pipeline over ``files`` packed into indexed tar shards under ``scratch``: the
    images read by offset (and checksummed) by ``LoadShardImage`` instead of from their files."""
    from mmmae.datasets import write_shards
    from mmmae.registry import DATASETS
    root = scratch / 'shards'
    write_shards([(f'{i:06d}{f.suffix}', f.read_bytes, None) for i, f in enumerate(files)], root)
    steps = [dict(s, type='LoadShardImage') if s['type'] == 'LoadImage' else s
             for s in pipeline_steps(MMMAE_DATA, img_size)]
    with DefaultScope.overwrite_default_scope('mmmae'):
        dataset = DATASETS.build(dict(type='TarShardDataset', data_root=str(root), pipeline=steps))
    position = {f: i for i, f in enumerate(files)}
    return lambda some: [dataset[position[f]] for f in some]


def pipeline_peers(device: torch.device, batch: int, img_size: int, files: List[Path],
                   scratch: Path, peers: List[str]) -> Dict[str, Callable[[List[Path]], None]]:
    """The ``peers`` asked for, in :data:`PIPELINE_PEERS` order, each running its training
    pipeline over some of ``files``; only those are set up (``mmmae-shards`` writes the files as
    shards first). ``gpu-decode-loader`` is the data loader's share of ``gpu-decode`` (read
    bytes, pack, collate)."""
    import mmpretrain
    from mmengine.dataset import pseudo_collate

    from mmmae.registry import MODELS
    theirs_config = Path(mmpretrain.__file__).parent / '.mim' / 'configs' / '_base_' / 'datasets' / \
        'imagenet_bs512_mae.py'

    def per_image(pipeline):
        return lambda files: [pipeline(dict(img_path=str(f), sample_idx=i)) for i, f in enumerate(files)]

    def gpu_decode(loader_only: bool):
        decode_cfg = Config.fromfile(str(MMMAE_GPU_DECODE))
        decode_cfg.model.data_preprocessor.crop_size = img_size
        load_bytes = per_image(build_pipeline(MMMAE_GPU_DECODE, 'mmmae'))
        with DefaultScope.overwrite_default_scope('mmmae'):
            preprocessor = MODELS.build(decode_cfg.model.data_preprocessor).to(device)

        def run(files):  # loader_only: what the data loader workers still do
            for start in range(0, len(files), batch):
                data = pseudo_collate(load_bytes(files[start:start + batch]))
                if not loader_only:
                    preprocessor(data, training=True)
            if not loader_only:
                sync(device)
        return run

    setups = {
        'mmmae': lambda: per_image(build_pipeline(MMMAE_DATA, 'mmmae', img_size)),
        'mmmae-shards': lambda: shard_reader(files, scratch, img_size),
        'mmmae-crop-decode': lambda: per_image(build_pipeline(MMMAE_CROP_DECODE, 'mmmae', img_size)),
        'mmpretrain': lambda: per_image(build_pipeline(theirs_config, 'mmpretrain', img_size)),
        'gpu-decode': lambda: gpu_decode(loader_only=False),
        'gpu-decode-loader': lambda: gpu_decode(loader_only=True),
    }
    return {name: setups[name]() for name in PIPELINE_PEERS if name in peers}


class _Chunks(Dataset):
    """``files`` in chunks, each put through ``run`` when a data loader worker loads it."""

    def __init__(self, run: Callable[[List[Path]], None], files: List[Path], size: int = 64):
        self.run, self.files, self.size = run, files, size

    def __len__(self) -> int:
        return math.ceil(len(self.files) / self.size)

    def __getitem__(self, index: int) -> int:
        self.run(self.files[index * self.size:(index + 1) * self.size])
        return index


def _one_thread(_: int) -> None:
    import cv2
    cv2.setNumThreads(1)  # the data loader sets torch's


def in_worker(run: Callable[[List[Path]], None], files: List[Path]) -> Callable[[], None]:
    """A round of ``run`` over ``files`` in one persistent data loader worker (forked, so the
    peer needs no pickling); the worker is started and warmed up here."""
    loader = DataLoader(_Chunks(run, files), batch_size=None, num_workers=1, persistent_workers=True,
                        worker_init_fn=_one_thread, multiprocessing_context='fork')

    def round_() -> None:
        for _ in loader:
            pass
    round_()  # warm-up: the fork and the first images
    return round_


def run_pipelines(bench: PipelineBench) -> Dict[str, dict]:
    """Print and return each pipeline's images/s (median and best round)."""
    import cv2
    register_all_modules()
    torch.set_num_threads(1)
    cv2.setNumThreads(1)
    device = torch.device(bench.device)
    with tempfile.TemporaryDirectory() as scratch:
        files = image_files(Path(bench.folder), bench.as_jpeg, Path(scratch))
        runs = pipeline_peers(device, bench.batch, bench.img_size, files, Path(scratch), bench.peers)
        rounds = {}
        for name, run in runs.items():
            if name in MAIN_PROCESS_PEERS:
                run(files[:2])  # warm-up
                rounds[name] = lambda run=run: run(files)
            else:
                rounds[name] = in_worker(run, files)
        times = {name: [] for name in rounds}
        for _ in range(bench.rounds):
            for name, round_ in rounds.items():
                start = time.perf_counter()
                round_()
                times[name].append(time.perf_counter() - start)
    kinds = sorted({f.suffix.lower() for f in files})
    print(f'input pipeline: decode + RandomResizedCrop({bench.img_size}, 0.2-1) + flip, {len(files)} files '
          f'({", ".join(kinds)}), one data loader worker of 1 thread (gpu-decode: main process, '
          f'{device.type}, batch {bench.batch}), median of {bench.rounds} rounds')
    results = {}
    for name in rounds:
        seconds = statistics.median(times[name])
        results[name] = dict(img_per_s=len(files) / seconds, best_img_per_s=len(files) / min(times[name]))
        print(f'  {name:17s} {results[name]["img_per_s"]:8.1f} img/s per core (best round '
              f'{results[name]["best_img_per_s"]:.1f})')
    pairs = [('mmmae', name) for name in results if name != 'mmmae' and 'mmmae' in results]
    if {'mmmae-crop-decode', 'mmpretrain'} <= set(results):
        pairs.append(('mmmae-crop-decode', 'mmpretrain'))
    for ours, theirs in pairs:  # paired by round, so a slower spell of the machine cancels out
        ratio = statistics.median(t / o for o, t in zip(times[ours], times[theirs]))
        results[ours].setdefault('ratios', {})[theirs] = ratio
        print(f'  {ours} / {theirs}: {ratio:.2f}x (median of per-round ratios)')
    return results
