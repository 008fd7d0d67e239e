# MAE paper semantic segmentation: UperNet + ViT-B/16 on ADE20K 512x512, 160k iterations at
# batch 16 (8 x 2), AdamW lr 1e-4, weight decay 0.05, layer decay 0.65, 1,500 warm-up iterations
# then poly. mIoU 48.1 in the paper (cited, not measured by mmmae).
_base_ = [
    '../../_base_/models/upernet_mae-vit-base-p16.py',
    '../../_base_/datasets/ade20k_512x512_seg.py',
    '../../_base_/default_runtime.py',
]

optim_wrapper = dict(
    type='AmpOrCPUOptimWrapper',
    dtype='bfloat16',
    optimizer=dict(type='AdamW', lr=1e-4, betas=(0.9, 0.999), weight_decay=0.05),
    constructor='LayerDecayOptimWrapperConstructor',
    paramwise_cfg=dict(layer_decay_rate=0.65))
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-6, by_epoch=False, begin=0, end=1500),
    dict(type='PolyLR', eta_min=0.0, power=1.0, by_epoch=False, begin=1500, end=160000),
]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=160000, val_interval=16000)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
default_hooks = dict(
    logger=dict(interval=50, log_metric_by_epoch=False),
    checkpoint=dict(by_epoch=False, interval=16000, max_keep_ckpts=3))
log_processor = dict(by_epoch=False)
visualizer = dict(type='mmseg.SegLocalVisualizer', vis_backends=[dict(type='LocalVisBackend')])
resume = True
