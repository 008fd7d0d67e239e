# Kinetics-400 videos listed as MMAction2 lists them ("path label" per line), 16 frames 4 apart
# (VideoMAE's sampling rate for Kinetics), one crop for the whole clip at 224. VideoMAE crops
# with MultiScaleCrop (sides of 1, .875, .75 or .66 of the short side, area 0.44-1); mmmae draws
# a random resized crop over the same area range instead, and flips nothing (as VideoMAE).
dataset_type = 'VideoDataset'
data_root = 'data/kinetics400/'

train_pipeline = [
    dict(type='SeededAugment', transforms=[
        dict(type='LoadVideoClip', num_frames=16, frame_interval=4, sampling='random',
             on_error='skip'),
        dict(type='ClipRandomResizedCrop', scale=224, crop_ratio_range=(0.44, 1.0)),
    ]),
    dict(type='PackClip'),
]

train_dataloader = dict(
    batch_size=32,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='SeededSampler', shuffle=True),
    collate_fn=dict(type='pseudo_collate'),
    dataset=dict(type=dataset_type, data_root=data_root,
                 ann_file='kinetics400_train_list_videos.txt', data_prefix='videos_train',
                 pipeline=train_pipeline))
