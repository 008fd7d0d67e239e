# VideoMAE ViT-B/16 as a 400-class clip classifier on MMPretrain's ImageClassifier (MMAction2
# 1.2's Recognizer3D cannot be imported from its PyPI wheel: docs/video.md): the encoder over
# every tubelet, mean pooling then fc_norm, a linear head; drop path 0.1, label smoothing 0.1,
# Mixup 0.8 / CutMix 1.0 on the clips (ClipDataPreprocessor), as VideoMAE's fine-tuning.
# Pass the pretraining checkpoint with --cfg-options model.backbone.init_cfg.checkpoint=PATH
num_classes = 400
model = dict(
    type='mmpretrain.ImageClassifier',
    data_preprocessor=dict(type='ClipDataPreprocessor', num_classes=num_classes),
    backbone=dict(
        type='MAEVideoViTEncoder', arch='b', num_frames=16, img_size=224, tubelet_size=2,
        pos_embed='sinusoid_1d', drop_path_rate=0.1, out_type='avg_featmap',
        init_cfg=dict(type='mmmae.Pretrained', prefix='backbone.',
                      checkpoint='work_dirs/videomae_vit-base-p16_64xb32-800e_k400/epoch_800.pth')),
    neck=None,
    head=dict(
        type='mmpretrain.LinearClsHead', num_classes=num_classes, in_channels=768,
        loss=dict(type='mmpretrain.LabelSmoothLoss', label_smooth_val=0.1, mode='original'),
        init_cfg=[dict(type='TruncNormal', layer='Linear', std=2e-5)]),
    train_cfg=dict(augments=[dict(type='Mixup', alpha=0.8), dict(type='ClipCutMix', alpha=1.0)]))
