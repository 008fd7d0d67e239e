# Linear probe of the Moving MNIST-5k VideoMAE: frozen encoder, the mean of its normalised
# tokens (there is no cls token), BatchNorm (no affine) + linear, LARS without weight decay,
# 1 warm-up epoch then cosine, 5 epochs. Random-encoder baseline:
# --cfg-options model.backbone.init_cfg=None
_base_ = [
    '../../_base_/models/videomae-vit-demo-p4_cls.py',
    '../../_base_/datasets/moving-mnist5k_bs32_cls.py',
    '../../_base_/default_runtime.py',
]

model = dict(
    backbone=dict(frozen=True, out_type='avg_normed', drop_path_rate=0.0),
    neck=dict(_delete_=True, type='mmpretrain.ClsBatchNormNeck', input_features=128),
    head=dict(loss=dict(_delete_=True, type='mmpretrain.CrossEntropyLoss'),
              init_cfg=[dict(type='TruncNormal', layer='Linear', std=0.01)]))

max_epochs = 5
train_dataloader = dict(batch_size=64)
optim_wrapper = dict(optimizer=dict(type='mmpretrain.LARS', lr=0.1 * 64 / 256 * 16,
                                    weight_decay=0.0, momentum=0.9))
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=True, begin=0, end=1,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=max_epochs - 1, eta_min=0.0, by_epoch=True, begin=1,
         end=max_epochs, convert_to_iter_based=True),
]
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs, val_interval=max_epochs)
auto_scale_lr = dict(base_batch_size=64, enable=False)
default_hooks = dict(logger=dict(interval=20), checkpoint=dict(interval=max_epochs))
env_cfg = dict(dist_cfg=dict(backend='gloo'))
