# The Moving MNIST-5k demo encoder (configs/mae/videomae_vit-demo-p4_1xb32-coslr-20e_moving-mnist5k.py)
# as a 10-class clip classifier on MMPretrain's ImageClassifier, initialised from the demo's
# pretraining checkpoint.
model = dict(
    type='mmpretrain.ImageClassifier',
    data_preprocessor=dict(type='ClipDataPreprocessor', mean=[33.3], std=[78.6], to_rgb=False),
    backbone=dict(
        type='MAEVideoViTEncoder', arch='demo', num_frames=8, img_size=32, in_channels=1,
        tubelet_size=2, drop_path_rate=0.1, out_type='avg_featmap',
        init_cfg=dict(type='mmmae.Pretrained', prefix='backbone.',
                      checkpoint='work_dirs/moving_mnist5k/epoch_20.pth')),
    neck=None,
    head=dict(
        type='mmpretrain.LinearClsHead', num_classes=10, in_channels=128,
        loss=dict(type='mmpretrain.LabelSmoothLoss', label_smooth_val=0.1, mode='original'),
        init_cfg=[dict(type='TruncNormal', layer='Linear', std=2e-5)]))
