# An ImageNet-like set for CPU runs (mmmae.apis.demo.DEMOS['imagenet-like'].write_data writes
# it): 2,000 JPEGs, each a crop of 10-25 % of the width of one of scikit-image's 10 colour
# photographs, at ImageNet's sizes (400-500 px on the long side), labelled by photograph, and 500
# more crops held out. Training decodes at the crop's need (LoadRandomResizedCrop) to 64 x 64;
# held-out crops are resized on the short side and centred.
dataset_type = 'mmpretrain.CustomDataset'
data_root = 'data/imagenet_like/'
img_size = 64

train_pipeline = [
    # random transforms: draws fixed by (seed, epoch, sample index) with SeededSampler
    dict(type='SeededAugment', transforms=[
        dict(type='LoadRandomResizedCrop', scale=img_size, crop_ratio_range=(0.2, 1.0),
             interpolation='bicubic', flip_prob=0.5, on_error='stop'),
    ]),
    dict(type='PackInputs'),
]
test_pipeline = [
    dict(type='LoadImage'),
    dict(type='ResizeEdge', scale=img_size, edge='short', backend='pillow', interpolation='bicubic'),
    dict(type='CenterCrop', crop_size=img_size),
    dict(type='PackInputs'),
]

train_dataloader = dict(
    batch_size=64,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='SeededSampler', shuffle=True),
    collate_fn=dict(type='default_collate'),
    dataset=dict(type=dataset_type, data_root=data_root, ann_file='meta/train.txt',
                 data_prefix='train', pipeline=train_pipeline))
test_dataloader = dict(
    batch_size=100,
    num_workers=2,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='default_collate'),
    dataset=dict(type=dataset_type, data_root=data_root, ann_file='meta/val.txt',
                 data_prefix='val', pipeline=test_pipeline))
