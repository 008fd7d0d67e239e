# Kinetics-400 for VideoMAE fine-tuning: 16 frames 4 apart, a random resized crop (area 0.08-1)
# and a horizontal flip for the whole clip at 224 in training; in validation the middle clip,
# centre square resized to 224 (one view: VideoMAE reports 5 clips x 3 crops, mmmae's
# classifier scores one view). VideoMAE's RandAugment and random erasing are not applied to
# clips here.
dataset_type = 'VideoDataset'
data_root = 'data/kinetics400/'

train_pipeline = [
    dict(type='SeededAugment', transforms=[
        dict(type='LoadVideoClip', num_frames=16, frame_interval=4, sampling='random',
             on_error='skip'),
        dict(type='ClipRandomResizedCrop', scale=224, crop_ratio_range=(0.08, 1.0)),
        dict(type='ClipFlip', prob=0.5),
    ]),
    dict(type='PackClip'),
]
test_pipeline = [
    dict(type='LoadVideoClip', num_frames=16, frame_interval=4, sampling='uniform'),
    dict(type='ClipRandomResizedCrop', scale=224, aspect_ratio_range=(1.0, 1.0), max_attempts=0),
    dict(type='PackClip'),
]

train_dataloader = dict(
    batch_size=8,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='SeededSampler', shuffle=True),
    collate_fn=dict(type='pseudo_collate'),
    dataset=dict(type=dataset_type, data_root=data_root,
                 ann_file='kinetics400_train_list_videos.txt', data_prefix='videos_train',
                 pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=8,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='pseudo_collate'),
    dataset=dict(type=dataset_type, data_root=data_root,
                 ann_file='kinetics400_val_list_videos.txt', data_prefix='videos_val',
                 pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='mmpretrain.Accuracy', topk=(1, 5))
val_cfg = dict()
test_cfg = dict()
test_evaluator = val_evaluator
