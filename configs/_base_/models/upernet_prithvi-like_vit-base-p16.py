# MMSegmentation UperNet on the Prithvi-like band-stack encoder (configs/mae/prithvi-like_vit-
# base-p16_8xb32-coslr-300e_hls.py): ViT-B/16 over 6 bands x 3 time steps, tubelets of one step;
# the features of blocks 4, 6, 8, 12, averaged over the time steps at each position, rescaled to
# strides 4/8/16/32 by Feature2Pyramid, UPerHead and an FCN auxiliary head. Inputs are the
# stacks with time in the channels (StackTimeInChannels), normalised per band (the HLS scale
# of 10,000, repeated for the 3 steps). Pass the pretraining checkpoint with
#   --cfg-options model.backbone.init_cfg.checkpoint=PATH
norm_cfg = dict(type='SyncBN', requires_grad=True)
model = dict(
    type='mmseg.EncoderDecoder',
    data_preprocessor=dict(type='mmseg.SegDataPreProcessor', mean=[0.0] * 18, std=[10000.0] * 18,
                           bgr_to_rgb=False, pad_val=0, seg_pad_val=255, size=(224, 224)),
    backbone=dict(
        type='MAEVideoViTSeg', arch='b', num_frames=3, img_size=224, tubelet_size=1,
        in_channels=6, pos_embed='sincos_3d', drop_path_rate=0.1, out_indices=(3, 5, 7, 11),
        init_cfg=dict(type='mmmae.Pretrained', prefix='backbone.',
                      checkpoint='work_dirs/prithvi-like_vit-base-p16_8xb32-coslr-300e_hls/'
                                 'epoch_300.pth')),
    neck=dict(type='mmseg.Feature2Pyramid', embed_dim=768, rescales=[4, 2, 1, 0.5]),
    decode_head=dict(
        type='mmseg.UPerHead', in_channels=[768, 768, 768, 768], in_index=[0, 1, 2, 3],
        pool_scales=(1, 2, 3, 6), channels=512, dropout_ratio=0.1, num_classes=4,
        norm_cfg=norm_cfg, align_corners=False,
        loss_decode=dict(type='mmseg.CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0)),
    auxiliary_head=dict(
        type='mmseg.FCNHead', in_channels=768, in_index=2, channels=256, num_convs=1,
        concat_input=False, dropout_ratio=0.1, num_classes=4, norm_cfg=norm_cfg,
        align_corners=False,
        loss_decode=dict(type='mmseg.CrossEntropyLoss', use_sigmoid=False, loss_weight=0.4)),
    train_cfg=dict(),
    test_cfg=dict(mode='whole'))
