# The CPU demo's MAE pretrained on the digit canvases' 2,000 training images (no labels) at their
# 48 x 48 size: 144 patches of 4 px, 36 visible. An in-domain checkpoint for the segmentation
# demo (configs/mae/benchmarks/upernet_vit-demo-p4_mae-pre_1xb8-poly-3000i_digit-canvas.py),
# which then sees digits at the scale, density and placement the encoder was pretrained on.
# 40 epochs: as many steps as the MNIST-5k demo's 20 (the canvases are half as many images).
# Measured (seed 0, 1,000 iterations, docs/detection_segmentation.md): UperNet mIoU 23.4 from it
# vs 27.2 from the MNIST-5k demo MAE; it did not help.
# Data: tools/dataset_converters/mnist5k_to_det_seg.py (data/digit_canvas/)
_base_ = './mae_vit-demo-p4_1xb64-coslr-20e_mnist5k.py'

data_root = 'data/digit_canvas/'
train_pipeline = [
    dict(type='LoadImage'),
    # random transforms: draws fixed by (seed, epoch, sample index) with SeededSampler
    dict(type='SeededAugment', transforms=[
        dict(type='RandomResizedCrop', scale=48, crop_ratio_range=(0.6, 1.0),
             backend='pillow', interpolation='bicubic'),
    ]),
    dict(type='PackInputs'),
]
test_pipeline = [dict(type='LoadImage'), dict(type='PackInputs')]
canvases = dict(_delete_=True, type='mmpretrain.CustomDataset', data_root=data_root,
                with_label=False, extensions=('.png',))
train_dataloader = dict(dataset=dict(**canvases, data_prefix='images/training',
                                     pipeline=train_pipeline))
test_dataloader = dict(dataset=dict(**canvases, data_prefix='images/validation',
                                    pipeline=test_pipeline))

model = dict(backbone=dict(img_size=48))

max_epochs = 40
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=True, begin=0, end=4,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=max_epochs - 4, by_epoch=True, begin=4, end=max_epochs,
         convert_to_iter_based=True),
]
train_cfg = dict(max_epochs=max_epochs)
default_hooks = dict(checkpoint=dict(interval=10, max_keep_ckpts=1))
custom_hooks = [dict(type='ReconstructionHook', interval=10, num_images=8, scale=2)]
