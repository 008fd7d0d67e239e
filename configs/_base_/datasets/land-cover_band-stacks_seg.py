# Land-cover class maps over band stacks (mmmae.datasets.write_land_cover writes generated ones
# to data/land_cover/: 6 HLS-like bands x 3 time steps, 4 classes). The stack's time steps are
# stacked in the channels (18) so that MMSegmentation's transforms and data preprocessor take
# it; MAEVideoViTSeg unstacks them. Random horizontal flip in training.
dataset_type = 'mmseg.BaseSegDataset'
data_root = 'data/land_cover'
metainfo = dict(classes=('water', 'forest', 'cropland', 'bare'))
load_pipeline = [
    dict(type='LoadBandStack', num_bands=6, num_frames=3),
    dict(type='StackTimeInChannels'),
    dict(type='mmseg.LoadAnnotations'),  # reduce_zero_label from the dataset (False)
]
dataset = dict(type=dataset_type, data_root=data_root, metainfo=metainfo, img_suffix='.npy',
               seg_map_suffix='.png', reduce_zero_label=False)
train_dataloader = dict(
    batch_size=8, num_workers=2, persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(**dataset, data_prefix=dict(img_path='stacks/training', seg_map_path='labels/training'),
                 pipeline=[*load_pipeline, dict(type='mmseg.RandomFlip', prob=0.5),
                           dict(type='mmseg.PackSegInputs')]))
val_dataloader = dict(
    batch_size=8, num_workers=2, persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(**dataset, data_prefix=dict(img_path='stacks/validation',
                                             seg_map_path='labels/validation'),
                 pipeline=[*load_pipeline, dict(type='mmseg.PackSegInputs')]))
test_dataloader = val_dataloader
val_evaluator = dict(type='mmseg.IoUMetric', iou_metrics=['mIoU'])
test_evaluator = val_evaluator
