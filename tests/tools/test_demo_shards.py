"""The demo from indexed tar shards trains exactly as the demo from its image folder."""
import torch
from conftest import DEMO_CONFIG, ROOT, load_tool

from mmmae.datasets import folder_samples, write_shards

train_tool = load_tool('train')
SHARDS_CONFIG = ROOT / 'configs' / 'mae' / 'mae_vit-demo-p4_1xb64-coslr-20e_mnist5k-shards.py'


def test_demo_from_shards_ends_with_the_folder_demos_weights(tmp_path, mnist_root):
    samples, metainfo = folder_samples(mnist_root, mnist_root / 'meta' / 'train.txt')
    shards = write_shards(samples, tmp_path / 'shards', shard_size_mb=0.5, metainfo=metainfo).parent
    runs = {}
    for name, config, root in (('folder', DEMO_CONFIG, mnist_root), ('shards', SHARDS_CONFIG, shards)):
        runs[name] = train_tool.main([
            str(config), '--work-dir', str(tmp_path / name), '--no-validate', '--cfg-options',
            f'train_dataloader.dataset.data_root={root}', 'train_dataloader.dataset.indices=256',
            'train_dataloader.num_workers=2', 'train_cfg.max_epochs=2', 'custom_hooks=[]',
            'default_hooks.checkpoint.interval=2'])
    assert len(list(shards.glob('shard-*.tar'))) > 1
    ours, theirs = (runs[n].model.state_dict() for n in ('shards', 'folder'))
    assert all(torch.equal(ours[key], theirs[key]) for key in theirs)
    losses = [runs[n].message_hub.get_scalar('train/loss').data[0] for n in ('shards', 'folder')]
    assert len(losses[0]) == 8 and list(losses[0]) == list(losses[1])
