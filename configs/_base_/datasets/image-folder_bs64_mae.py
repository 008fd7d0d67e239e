# MAE pretraining on any folder of images: no labels, nested folders, mixed JPEG / PNG / WebP /
# BMP / TIFF, greyscale, RGBA and palette images mixed with RGB, any sizes. Set the one path:
# `data_root` below in your copy of the config, or
# `--cfg-options train_dataloader.dataset.data_root=/path/to/images`. Loader settings (workers,
# pinned memory, shuffling) come from the ImageNet base.
_base_ = ['./imagenet_bs512_mae.py']

dataset_type = 'mmpretrain.CustomDataset'
data_root = 'data/photos/'  # tools/dataset_converters/skimage_to_folder.py writes an example

extensions = ('.jpg', '.jpeg', '.png', '.webp', '.bmp', '.tif', '.tiff', '.ppm', '.pgm')
train_pipeline = [
    # any colour mode to 3-channel BGR; a broken file is skipped and counted in the log (set
    # on_error='stop' to stop at the first one instead)
    dict(type='LoadImage', on_error='skip'),
    # random transforms: draws fixed by (seed, epoch, sample index) with SeededSampler
    dict(type='SeededAugment', transforms=[
        dict(type='RandomResizedCrop', scale=224, crop_ratio_range=(0.2, 1.0),
             backend='pillow', interpolation='bicubic'),
        dict(type='RandomFlip', prob=0.5),
    ]),
    dict(type='PackInputs'),
]
# fixed views of the first images for the reconstruction pictures (ReconstructionHook)
picture_pipeline = [
    dict(type='LoadImage'),
    dict(type='ResizeEdge', scale=224, edge='short', backend='pillow', interpolation='bicubic'),
    dict(type='CenterCrop', crop_size=224),
    dict(type='PackInputs'),
]

train_dataloader = dict(
    batch_size=64,
    # with_label=False: every image under data_root, at any depth, is a sample
    dataset=dict(_delete_=True, type=dataset_type, data_root=data_root,
                 with_label=False, extensions=extensions, pipeline=train_pipeline))
