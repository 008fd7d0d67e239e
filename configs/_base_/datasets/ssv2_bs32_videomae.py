# Something-Something v2 as Kinetics-400, with VideoMAE's sampling rate for it: frames 2 apart.
_base_ = './kinetics400_bs32_videomae.py'

data_root = 'data/sthv2/'
train_pipeline = [
    dict(type='SeededAugment', transforms=[
        dict(type='LoadVideoClip', num_frames=16, frame_interval=2, sampling='random',
             on_error='skip'),
        dict(type='ClipRandomResizedCrop', scale=224, crop_ratio_range=(0.44, 1.0)),
    ]),
    dict(type='PackClip'),
]
train_dataloader = dict(dataset=dict(data_root=data_root, ann_file='sthv2_train_list_videos.txt',
                                     data_prefix='videos', pipeline=train_pipeline))
