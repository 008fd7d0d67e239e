# ImageNet-1k for MAE fine-tuning: RandAugment (m9, std 0.5), random erasing 0.25;
# mixup / cutmix live in the model's data preprocessor. Evaluation: resize 256, center 224.
dataset_type = 'mmpretrain.ImageNet'
data_root = 'data/imagenet/'
bgr_mean = [103.53, 116.28, 123.675]
bgr_std = [57.375, 57.12, 58.395]

train_pipeline = [
    dict(type='LoadImage'),
    # random transforms: draws fixed by (seed, epoch, sample index) with SeededSampler
    dict(type='SeededAugment', transforms=[
        dict(type='RandomResizedCrop', scale=224, backend='pillow', interpolation='bicubic'),
        dict(type='RandomFlip', prob=0.5, direction='horizontal'),
        dict(type='RandAugment', policies='timm_increasing', num_policies=2, total_level=10,
             magnitude_level=9, magnitude_std=0.5,
             hparams=dict(pad_val=[round(x) for x in bgr_mean], interpolation='bicubic')),
        dict(type='RandomErasing', erase_prob=0.25, mode='rand', min_area_ratio=0.02,
             max_area_ratio=1 / 3, fill_color=bgr_mean, fill_std=bgr_std),
    ]),
    dict(type='PackInputs'),
]
test_pipeline = [
    dict(type='LoadImage'),
    dict(type='ResizeEdge', scale=256, edge='short', backend='pillow', interpolation='bicubic'),
    dict(type='CenterCrop', crop_size=224),
    dict(type='PackInputs'),
]

train_dataloader = dict(
    batch_size=128, num_workers=8, persistent_workers=True, pin_memory=True,
    sampler=dict(type='SeededSampler', shuffle=True), collate_fn=dict(type='default_collate'),
    dataset=dict(type=dataset_type, data_root=data_root, split='train', pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=128, num_workers=8, persistent_workers=True, pin_memory=True,
    sampler=dict(type='DefaultSampler', shuffle=False), collate_fn=dict(type='default_collate'),
    dataset=dict(type=dataset_type, data_root=data_root, split='val', pipeline=test_pipeline))
val_evaluator = dict(type='Accuracy', topk=(1, 5))
test_dataloader = val_dataloader
test_evaluator = val_evaluator
val_cfg = dict()
test_cfg = dict()
