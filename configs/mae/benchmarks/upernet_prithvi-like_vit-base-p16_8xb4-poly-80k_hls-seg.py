# UperNet on the Prithvi-like ViT-B/16 (pretrained by configs/mae/prithvi-like_vit-base-p16_
# 8xb32-coslr-300e_hls.py) for the user's HLS segmentation data at 224 px: band stacks
# [3, 224, 224, 6] under data/hls_seg/stacks/{training,validation}/ and class maps (PNG, same
# names) under data/hls_seg/labels/...; set num_classes and the class names to the data's.
# AdamW lr 1e-4 with layer decay 0.9, 1,500 warm-up iterations then poly, 80k iterations,
# 8 GPUs x 4 stacks.
_base_ = [
    '../../_base_/models/upernet_prithvi-like_vit-base-p16.py',
    '../../_base_/datasets/land-cover_band-stacks_seg.py',
    '../../_base_/default_runtime.py',
]

data_root = 'data/hls_seg'
train_dataloader = dict(batch_size=4, num_workers=4, dataset=dict(data_root=data_root))
val_dataloader = dict(batch_size=4, num_workers=4, dataset=dict(data_root=data_root))
test_dataloader = val_dataloader

max_iters = 80000
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters, val_interval=8000)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
optim_wrapper = dict(
    type='AmpOrCPUOptimWrapper',
    dtype='bfloat16',
    optimizer=dict(type='AdamW', lr=1e-4, betas=(0.9, 0.999), weight_decay=0.05),
    constructor='mmmae.LayerDecayOptimWrapperConstructor',
    paramwise_cfg=dict(layer_decay_rate=0.9))
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-6, by_epoch=False, begin=0, end=1500),
    dict(type='PolyLR', eta_min=0.0, power=1.0, by_epoch=False, begin=1500, end=max_iters),
]
default_hooks = dict(
    logger=dict(interval=50, log_metric_by_epoch=False),
    checkpoint=dict(by_epoch=False, interval=8000, max_keep_ckpts=2, save_best='mIoU'))
log_processor = dict(by_epoch=False)
visualizer = dict(type='mmseg.SegLocalVisualizer', vis_backends=[dict(type='LocalVisBackend')])
