# ViT-H/14 fine-tuned at 448x448 (32 x 32 = batch 1024): the 16x16 pretraining position grid is
# resampled to 32x32 when the checkpoint loads. Evaluation: resize 512, center crop 448.
_base_ = './vit-huge-p14_mae-pre_8xb128-coslr-50e_in1k.py'

model = dict(backbone=dict(img_size=448))
bgr_mean = [103.53, 116.28, 123.675]
train_pipeline = [
    dict(type='LoadImage'),
    # random transforms: draws fixed by (seed, epoch, sample index) with SeededSampler
    dict(type='SeededAugment', transforms=[
        dict(type='RandomResizedCrop', scale=448, backend='pillow', interpolation='bicubic'),
        dict(type='RandomFlip', prob=0.5, direction='horizontal'),
        dict(type='RandAugment', policies='timm_increasing', num_policies=2, total_level=10,
             magnitude_level=9, magnitude_std=0.5,
             hparams=dict(pad_val=[104, 116, 124], interpolation='bicubic')),
        dict(type='RandomErasing', erase_prob=0.25, mode='rand', min_area_ratio=0.02,
             max_area_ratio=1 / 3, fill_color=bgr_mean, fill_std=[57.375, 57.12, 58.395]),
    ]),
    dict(type='PackInputs'),
]
test_pipeline = [
    dict(type='LoadImage'),
    dict(type='ResizeEdge', scale=512, edge='short', backend='pillow', interpolation='bicubic'),
    dict(type='CenterCrop', crop_size=448),
    dict(type='PackInputs'),
]
train_dataloader = dict(batch_size=32, dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(batch_size=32, dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader
