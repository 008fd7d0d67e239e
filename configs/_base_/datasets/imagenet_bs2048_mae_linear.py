# ImageNet-1k for linear probing: RandomResizedCrop + flip only; evaluation resize 256, center 224.
_base_ = './imagenet_bs128_mae_finetune.py'

train_pipeline = [
    dict(type='LoadImage'),
    # random transforms: draws fixed by (seed, epoch, sample index) with SeededSampler
    dict(type='SeededAugment', transforms=[
        dict(type='RandomResizedCrop', scale=224, backend='pillow', interpolation='bicubic'),
        dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    ]),
    dict(type='PackInputs'),
]
train_dataloader = dict(batch_size=2048, drop_last=True, dataset=dict(pipeline=train_pipeline))
