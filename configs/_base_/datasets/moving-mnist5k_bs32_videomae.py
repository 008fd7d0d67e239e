# Moving MNIST-5k (mmmae.datasets.write_moving_mnist5k writes data/moving_mnist5k/): each
# MNIST-5k digit (at 24 px) as an 8-frame 32x32 clip of it moving and bouncing, stored as [T, H, W, 1]
# band stacks; 4,000 train / 1,000 held-out test clips, the label is the digit. No
# augmentation: every clip is read as it is (the motion is the data's own variation).
dataset_type = 'mmpretrain.CustomDataset'
data_root = 'data/moving_mnist5k/'

clip_pipeline = [
    dict(type='LoadBandStack', num_bands=1, num_frames=8),
    dict(type='PackClip'),
]

train_dataloader = dict(
    batch_size=32,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='SeededSampler', shuffle=True),
    collate_fn=dict(type='default_collate'),
    dataset=dict(type=dataset_type, data_root=data_root, ann_file='meta/train.txt',
                 pipeline=clip_pipeline))
test_dataloader = dict(
    batch_size=100,
    num_workers=2,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='default_collate'),
    dataset=dict(type=dataset_type, data_root=data_root, ann_file='meta/test.txt',
                 pipeline=clip_pipeline))
