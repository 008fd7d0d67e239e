# ViTDet-style Mask R-CNN on a plain MAE ViT-B/16 on COCO: large-scale jitter 1024, AdamW lr
# 1e-4, weight decay 0.1, layer decay 0.7, 184,375 iterations at batch 64 (about 100 epochs),
# bf16. Box AP 51.6 in the ViTDet paper (cited, not measured by mmmae).
_base_ = [
    '../../_base_/models/mask-rcnn_mae-vit-base-p16_simple-fpn.py',
    '../../_base_/datasets/coco_instance_lsj-1024.py',
    '../../_base_/default_runtime.py',
]
# MMDetection's own internals name their parts without a scope, so this config runs in
# MMDetection's scope and names mmmae's parts with the 'mmmae.' prefix.
default_scope = 'mmdet'
custom_imports = dict(imports=['mmmae.models', 'mmmae.engine'], allow_failed_imports=False)

max_iters = 184375
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters, val_interval=max_iters)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
optim_wrapper = dict(
    type='mmmae.AmpOrCPUOptimWrapper',
    dtype='bfloat16',
    optimizer=dict(type='AdamW', lr=1e-4, betas=(0.9, 0.999), weight_decay=0.1),
    constructor='mmmae.LayerDecayOptimWrapperConstructor',
    paramwise_cfg=dict(layer_decay_rate=0.7))
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=False, begin=0, end=250),
    dict(type='MultiStepLR', by_epoch=False, begin=0, end=max_iters,
         milestones=[163889, 177546], gamma=0.1),
]
default_hooks = dict(
    logger=dict(interval=50),
    checkpoint=dict(by_epoch=False, interval=5000, max_keep_ckpts=3))
log_processor = dict(by_epoch=False)
visualizer = dict(type='mmdet.DetLocalVisualizer', vis_backends=[dict(type='LocalVisBackend')])
auto_scale_lr = dict(base_batch_size=64, enable=False)
resume = True
