# ImageNet-1k train split through MMPretrain's dataset class; MAE's light augmentation.
dataset_type = 'mmpretrain.ImageNet'
data_root = 'data/imagenet/'

train_pipeline = [
    # mmmae's loader: any colour mode; a bad file stops the run naming it, or with
    # on_error='skip' is skipped and counted in the log
    dict(type='LoadImage', on_error='stop'),
    # random transforms: draws fixed by (seed, epoch, sample index) with SeededSampler
    dict(type='SeededAugment', transforms=[
        dict(type='RandomResizedCrop', scale=224, crop_ratio_range=(0.2, 1.0),
             backend='pillow', interpolation='bicubic'),
        dict(type='RandomFlip', prob=0.5),
    ]),
    dict(type='PackInputs'),
]

train_dataloader = dict(
    batch_size=512,
    num_workers=8,
    persistent_workers=True,
    pin_memory=True,
    sampler=dict(type='SeededSampler', shuffle=True),
    collate_fn=dict(type='default_collate'),
    dataset=dict(type=dataset_type, data_root=data_root, split='train', pipeline=train_pipeline))
