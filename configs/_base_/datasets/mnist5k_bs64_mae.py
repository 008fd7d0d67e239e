# MNIST-5k demo data (tools/dataset_converters/mnist5k_to_images.py writes it):
# 4,000 train / 1,000 held-out test digits, as PNG files with annotation lists,
# read through the same file-based pipeline as ImageNet. Digits are resized to 32x32.
dataset_type = 'mmpretrain.CustomDataset'
data_root = 'data/mnist5k/'

train_pipeline = [
    dict(type='LoadImage'),
    # random transforms: draws fixed by (seed, epoch, sample index) with SeededSampler
    dict(type='SeededAugment', transforms=[
        dict(type='RandomResizedCrop', scale=32, crop_ratio_range=(0.6, 1.0),
             backend='pillow', interpolation='bicubic'),
    ]),
    dict(type='PackInputs'),
]
test_pipeline = [
    dict(type='LoadImage'),
    dict(type='Resize', scale=32, backend='pillow', interpolation='bicubic'),
    dict(type='PackInputs'),
]

train_dataloader = dict(
    batch_size=64,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='SeededSampler', shuffle=True),
    collate_fn=dict(type='default_collate'),
    dataset=dict(type=dataset_type, data_root=data_root, ann_file='meta/train.txt',
                 pipeline=train_pipeline))
test_dataloader = dict(
    batch_size=100,
    num_workers=2,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='default_collate'),
    dataset=dict(type=dataset_type, data_root=data_root, ann_file='meta/test.txt',
                 pipeline=test_pipeline))
