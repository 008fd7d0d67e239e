# Multispectral-temporal segmentation through MMSegmentation at CPU-demo size: UperNet on the
# Prithvi-like demo encoder (pretrained by configs/mae/prithvi-like_vit-demo-p4_1xb32-coslr-20e_
# land-cover.py) over the generated land-cover stacks (6 bands x 3 time steps, 32 px, 4
# classes). All 4 blocks feed Feature2Pyramid at strides 2/4/8/16 (the encoder's stride is 4),
# BN instead of SyncBN, narrow heads; AdamW with layer decay, 50 warm-up iterations then poly.
# Random-init baseline: --cfg-options model.backbone.init_cfg=None
_base_ = [
    '../../_base_/models/upernet_prithvi-like_vit-base-p16.py',
    '../../_base_/datasets/land-cover_band-stacks_seg.py',
    '../../_base_/schedules/adamw_layer-decay_1000i_cpu-demo.py',
    '../../_base_/default_runtime.py',
]
norm_cfg = dict(type='BN', requires_grad=True)
max_iters = 500
model = dict(
    data_preprocessor=dict(size=(32, 32)),
    backbone=dict(arch='demo', img_size=32, out_indices=(0, 1, 2, 3),
                  init_cfg=dict(checkpoint='work_dirs/land_cover/epoch_20.pth')),
    neck=dict(embed_dim=128, rescales=[2, 1, 0.5, 0.25], norm_cfg=norm_cfg),
    decode_head=dict(in_channels=[128] * 4, channels=64, norm_cfg=norm_cfg),
    auxiliary_head=dict(in_channels=128, channels=32, norm_cfg=norm_cfg))

train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=False, begin=0, end={{_base_.warmup_iters}}),
    dict(type='PolyLR', eta_min=0.0, power=1.0, by_epoch=False, begin={{_base_.warmup_iters}},
         end=max_iters),
]
default_hooks = dict(
    logger=dict(interval=50, log_metric_by_epoch=False),
    checkpoint=dict(by_epoch=False, interval=max_iters, max_keep_ckpts=1))
env_cfg = dict(dist_cfg=dict(backend='gloo'))
visualizer = dict(type='mmseg.SegLocalVisualizer', vis_backends=[dict(type='LocalVisBackend')])
