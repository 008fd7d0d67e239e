# Multispectral time series as band stacks: one .npy or GeoTIFF file per sample, [T, H, W, bands]
# (bands last), listed one path per line in data/hls/train.txt (an optional label after it).
# One random resized crop and flip for all time steps; ClipDataPreprocessor normalises each band.
dataset_type = 'mmpretrain.CustomDataset'
data_root = 'data/hls/'

train_pipeline = [
    dict(type='LoadBandStack', num_bands=6, num_frames=3, on_error='skip'),
    dict(type='SeededAugment', transforms=[
        dict(type='ClipRandomResizedCrop', scale=224, crop_ratio_range=(0.5, 1.0)),
        dict(type='ClipFlip', prob=0.5),
    ]),
    dict(type='PackClip'),
]

train_dataloader = dict(
    batch_size=32,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='SeededSampler', shuffle=True),
    collate_fn=dict(type='pseudo_collate'),
    dataset=dict(type=dataset_type, data_root=data_root, ann_file='train.txt', with_label=False,
                 pipeline=train_pipeline))
