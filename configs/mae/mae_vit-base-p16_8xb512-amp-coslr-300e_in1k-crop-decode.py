# The ViT-B/16 ImageNet MAE config with decode at the crop's need: LoadRandomResizedCrop reads
# the JPEG's size from its header, draws MAE's crop box and flip (as RandomResizedCrop(224, 0.2-1)
# and RandomFlip do for the same seed), decodes only the crop's region, 2-8x smaller in the DCT
# domain where the crop allows, and resizes with torch's antialiased bicubic: about 2x
# MMPretrain's pipeline per core at 224 and at 128 (docs/benchmarks.md); pixels within about 1
# grey level of the plain config's.
_base_ = './mae_vit-base-p16_8xb512-amp-coslr-300e_in1k.py'

train_pipeline = [
    dict(type='SeededAugment', transforms=[
        dict(type='LoadRandomResizedCrop', scale=224, crop_ratio_range=(0.2, 1.0),
             interpolation='bicubic', flip_prob=0.5, on_error='stop'),
    ]),
    dict(type='PackInputs'),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
