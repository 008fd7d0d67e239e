# MAE paper linear probe of ViT-B/16: frozen encoder, cls token, BatchNorm (no affine) + linear
# (std 0.01), LARS, base lr 0.1 x 16384 / 256, no weight decay, 10 warm-up epochs, 90 epochs.
_base_ = [
    '../../_base_/models/vit-base-p16_mae-finetune.py',
    '../../_base_/datasets/imagenet_bs2048_mae_linear.py',
    '../../_base_/default_runtime.py',
]

model = dict(
    backbone=dict(frozen=True, out_type='cls_token', drop_path_rate=0.0),
    neck=dict(_delete_=True, type='mmpretrain.ClsBatchNormNeck', input_features=768),
    head=dict(loss=dict(_delete_=True, type='mmpretrain.CrossEntropyLoss'),
              init_cfg=[dict(type='TruncNormal', layer='Linear', std=0.01)]),
    train_cfg=dict(_delete_=True))

optim_wrapper = dict(
    type='AmpOrCPUOptimWrapper',
    dtype='bfloat16',
    optimizer=dict(type='mmpretrain.LARS', lr=0.1 * 16384 / 256, weight_decay=0.0, momentum=0.9))
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-4, by_epoch=True, begin=0, end=10,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=80, eta_min=0.0, by_epoch=True, begin=10, end=90,
         convert_to_iter_based=True),
]
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=90, val_interval=1)
auto_scale_lr = dict(base_batch_size=16384, enable=False)
default_hooks = dict(checkpoint=dict(max_keep_ckpts=3, save_best='auto'))
resume = True
