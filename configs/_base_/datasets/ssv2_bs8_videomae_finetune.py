# Something-Something v2 for VideoMAE fine-tuning: 16 frames, one from each of 16 equal
# segments of the video (VideoMAE's SSv2 sampling), no flip (left and right are part of the
# labels), otherwise as kinetics400_bs8_videomae_finetune.py.
_base_ = './kinetics400_bs8_videomae_finetune.py'

data_root = 'data/sthv2/'
train_pipeline = [
    dict(type='SeededAugment', transforms=[
        dict(type='LoadVideoClip', num_frames=16, segments=True, sampling='random',
             on_error='skip'),
        dict(type='ClipRandomResizedCrop', scale=224, crop_ratio_range=(0.08, 1.0)),
    ]),
    dict(type='PackClip'),
]
test_pipeline = [
    dict(type='LoadVideoClip', num_frames=16, segments=True, sampling='uniform'),
    dict(type='ClipRandomResizedCrop', scale=224, aspect_ratio_range=(1.0, 1.0), max_attempts=0),
    dict(type='PackClip'),
]
train_dataloader = dict(dataset=dict(data_root=data_root, ann_file='sthv2_train_list_videos.txt',
                                     data_prefix='videos', pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(data_root=data_root, ann_file='sthv2_val_list_videos.txt',
                                   data_prefix='videos', pipeline=test_pipeline))
test_dataloader = val_dataloader
