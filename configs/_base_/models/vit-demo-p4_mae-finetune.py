# The demo encoder (configs/mae/mae_vit-demo-p4_1xb64-coslr-20e_mnist5k.py) as a 10-class
# classifier, initialised from the demo's pretraining checkpoint.
model = dict(
    type='mmpretrain.ImageClassifier',
    data_preprocessor=dict(type='mmpretrain.ClsDataPreprocessor', num_classes=10,
                           mean=[33.3, 33.3, 33.3], std=[78.6, 78.6, 78.6], to_rgb=True),
    backbone=dict(
        type='MAEViTEncoder', arch='demo', img_size=32, drop_path_rate=0.1, out_type='avg_featmap',
        init_cfg=dict(type='mmmae.Pretrained', prefix='backbone.',
                      checkpoint='work_dirs/demo/epoch_20.pth')),
    neck=None,
    head=dict(
        type='mmpretrain.LinearClsHead', num_classes=10, in_channels=128,
        loss=dict(type='mmpretrain.LabelSmoothLoss', label_smooth_val=0.1, mode='original'),
        init_cfg=[dict(type='TruncNormal', layer='Linear', std=2e-5)]))
