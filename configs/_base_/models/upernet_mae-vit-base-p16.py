# MMSegmentation UperNet on the MAE ViT-B/16 encoder (the MAE paper's ADE20K recipe): features
# of blocks 4, 6, 8, 12 rescaled to strides 4/8/16/32 by MMSeg's Feature2Pyramid, UPerHead, FCN
# auxiliary head on the third level. Pass the pretraining checkpoint with
#   --cfg-options model.backbone.init_cfg.checkpoint=PATH
norm_cfg = dict(type='SyncBN', requires_grad=True)
model = dict(
    type='mmseg.EncoderDecoder',
    data_preprocessor=dict(type='mmseg.SegDataPreProcessor', mean=[123.675, 116.28, 103.53],
                           std=[58.395, 57.12, 57.375], bgr_to_rgb=True, pad_val=0,
                           seg_pad_val=255, size=(512, 512)),
    backbone=dict(
        type='MAEViTSeg', arch='b', img_size=512, drop_path_rate=0.1, out_indices=(3, 5, 7, 11),
        init_cfg=dict(type='mmmae.Pretrained', prefix='backbone.',
                      checkpoint='work_dirs/mae_vit-base-p16_8xb512-amp-coslr-1600e_in1k/'
                                 'epoch_1600.pth')),
    neck=dict(type='mmseg.Feature2Pyramid', embed_dim=768, rescales=[4, 2, 1, 0.5]),
    decode_head=dict(
        type='mmseg.UPerHead', in_channels=[768, 768, 768, 768], in_index=[0, 1, 2, 3],
        pool_scales=(1, 2, 3, 6), channels=768, dropout_ratio=0.1, num_classes=150,
        norm_cfg=norm_cfg, align_corners=False,
        loss_decode=dict(type='mmseg.CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0)),
    auxiliary_head=dict(
        type='mmseg.FCNHead', in_channels=768, in_index=2, channels=256, num_convs=1,
        concat_input=False, dropout_ratio=0.1, num_classes=150, norm_cfg=norm_cfg,
        align_corners=False,
        loss_decode=dict(type='mmseg.CrossEntropyLoss', use_sigmoid=False, loss_weight=0.4)),
    train_cfg=dict(),
    test_cfg=dict(mode='slide', crop_size=(512, 512), stride=(341, 341)))
