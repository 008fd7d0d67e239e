# ViT-B/16 classifier initialised from an MAE pretraining checkpoint (encoder only; the
# decoder is not read). Global average pooling + fc_norm, drop path 0.1, label smoothing
# 0.1, mixup 0.8 / cutmix 1.0. Pass the checkpoint with
#   --cfg-options model.backbone.init_cfg.checkpoint=PATH
model = dict(
    type='mmpretrain.ImageClassifier',
    data_preprocessor=dict(
        type='mmpretrain.ClsDataPreprocessor',
        num_classes=1000,
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        to_rgb=True),
    backbone=dict(
        type='MAEViTEncoder', arch='b', img_size=224, drop_path_rate=0.1, out_type='avg_featmap',
        init_cfg=dict(type='mmmae.Pretrained', prefix='backbone.',
                      checkpoint='work_dirs/mae_vit-base-p16_8xb512-amp-coslr-1600e_in1k/'
                                 'epoch_1600.pth')),
    neck=None,
    head=dict(
        type='mmpretrain.LinearClsHead', num_classes=1000, in_channels=768,
        loss=dict(type='mmpretrain.LabelSmoothLoss', label_smooth_val=0.1, mode='original'),
        init_cfg=[dict(type='TruncNormal', layer='Linear', std=2e-5)]),
    train_cfg=dict(augments=[dict(type='Mixup', alpha=0.8), dict(type='CutMix', alpha=1.0)]))
