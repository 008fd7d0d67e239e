"""ReconstructionHook: pictures of fixed held-out digits during training, RNG untouched."""
import numpy as np
import torch
from conftest import DEMO_CONFIG, load_tool
from PIL import Image

train_tool = load_tool('train')



def test_pictures_every_epoch_to_work_dir_and_visualizer(tmp_path, mnist_root):
    train_tool.main([str(DEMO_CONFIG), '--work-dir', str(tmp_path), '--cfg-options',
                     f'train_dataloader.dataset.data_root={mnist_root}',
                     f'test_dataloader.dataset.data_root={mnist_root}',
                     'train_dataloader.dataset.indices=128', 'train_dataloader.num_workers=0',
                     'train_dataloader.persistent_workers=False', 'train_cfg.max_epochs=2',
                     'custom_hooks.0.interval=1', 'custom_hooks.0.num_images=3'])
    first, second = (np.asarray(Image.open(tmp_path / 'reconstructions' / f'epoch_{e}.png'))
                     for e in (1, 2))
    # 4 rows x 3 columns of 32x32 tiles at scale 2 with 2-pixel gaps
    assert first.shape == (4 * 66 + 2, 3 * 66 + 2, 3)
    assert np.array_equal(first[2:66], second[2:66])  # same images ...
    assert np.array_equal(first[68:132], second[68:132])  # ... and the same masks
    assert not np.array_equal(first[134:198], second[134:198])  # the model changed
    assert len(list(tmp_path.glob('*/vis_data/vis_image/reconstruction_*.png'))) == 2


def test_drawing_leaves_the_training_random_streams_alone(tmp_path, mnist_root):
    common = ['--cfg-options', f'train_dataloader.dataset.data_root={mnist_root}',
              f'test_dataloader.dataset.data_root={mnist_root}', 'train_dataloader.dataset.indices=128',
              'train_dataloader.num_workers=0', 'train_dataloader.persistent_workers=False',
              'train_cfg.max_epochs=2']
    drawn = train_tool.main([str(DEMO_CONFIG), '--work-dir', str(tmp_path / 'a'), *common,
                             'custom_hooks.0.interval=1'])
    plain = train_tool.main([str(DEMO_CONFIG), '--work-dir', str(tmp_path / 'b'), *common,
                             'custom_hooks.0.interval=100'])
    for (key, a), b in zip(drawn.model.state_dict().items(), plain.model.state_dict().values()):
        assert torch.equal(a, b), key
