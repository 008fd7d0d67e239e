# MMDetection Mask R-CNN on a plain MAE ViT-B/16 (ViTDet, Li et al. 2022): windowed attention
# (14) with global blocks 2, 5, 8, 11 at 1024x1024, simple feature pyramid (strides 4-64),
# MMDetection's RPN and RoI heads as they are. Pass the pretraining checkpoint with
#   --cfg-options model.backbone.init_cfg.checkpoint=PATH
det_size = (1024, 1024)
model = dict(
    type='mmdet.MaskRCNN',
    data_preprocessor=dict(
        type='mmdet.DetDataPreprocessor', mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375], bgr_to_rgb=True, pad_mask=True, pad_size_divisor=32,
        batch_augments=[dict(type='mmdet.BatchFixedSizePad', size=det_size, pad_mask=True)]),
    backbone=dict(
        type='mmmae.MAEViTDet', arch='b', img_size=det_size, window_size=14, drop_path_rate=0.1,
        with_cp=False,
        init_cfg=dict(type='mmmae.Pretrained', prefix='backbone.',
                      checkpoint='work_dirs/mae_vit-base-p16_8xb512-amp-coslr-1600e_in1k/'
                                 'epoch_1600.pth')),
    neck=dict(type='mmmae.SimpleFPN', in_channels=768, out_channels=256,
              scale_factors=(4.0, 2.0, 1.0, 0.5), num_outs=5),
    rpn_head=dict(
        type='mmdet.RPNHead', in_channels=256, feat_channels=256, num_convs=2,
        anchor_generator=dict(type='mmdet.AnchorGenerator', scales=[8], ratios=[0.5, 1.0, 2.0],
                              strides=[4, 8, 16, 32, 64]),
        bbox_coder=dict(type='mmdet.DeltaXYWHBBoxCoder', target_means=[0.0] * 4,
                        target_stds=[1.0] * 4),
        loss_cls=dict(type='mmdet.CrossEntropyLoss', use_sigmoid=True, loss_weight=1.0),
        loss_bbox=dict(type='mmdet.L1Loss', loss_weight=1.0)),
    roi_head=dict(
        type='mmdet.StandardRoIHead',
        bbox_roi_extractor=dict(
            type='mmdet.SingleRoIExtractor', out_channels=256, featmap_strides=[4, 8, 16, 32],
            roi_layer=dict(type='RoIAlign', output_size=7, sampling_ratio=0)),
        bbox_head=dict(
            type='mmdet.Shared2FCBBoxHead', in_channels=256, fc_out_channels=1024,
            roi_feat_size=7, num_classes=80, reg_class_agnostic=False,
            bbox_coder=dict(type='mmdet.DeltaXYWHBBoxCoder', target_means=[0.0] * 4,
                            target_stds=[0.1, 0.1, 0.2, 0.2]),
            loss_cls=dict(type='mmdet.CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0),
            loss_bbox=dict(type='mmdet.L1Loss', loss_weight=1.0)),
        mask_roi_extractor=dict(
            type='mmdet.SingleRoIExtractor', out_channels=256, featmap_strides=[4, 8, 16, 32],
            roi_layer=dict(type='RoIAlign', output_size=14, sampling_ratio=0)),
        mask_head=dict(
            type='mmdet.FCNMaskHead', num_convs=4, in_channels=256, conv_out_channels=256,
            num_classes=80,
            loss_mask=dict(type='mmdet.CrossEntropyLoss', use_mask=True, loss_weight=1.0))),
    train_cfg=dict(
        rpn=dict(
            assigner=dict(type='mmdet.MaxIoUAssigner', pos_iou_thr=0.7, neg_iou_thr=0.3,
                          min_pos_iou=0.3, match_low_quality=True, ignore_iof_thr=-1),
            sampler=dict(type='mmdet.RandomSampler', num=256, pos_fraction=0.5,
                         neg_pos_ub=-1, add_gt_as_proposals=False),
            allowed_border=-1, pos_weight=-1, debug=False),
        rpn_proposal=dict(nms_pre=2000, max_per_img=1000,
                          nms=dict(type='nms', iou_threshold=0.7), min_bbox_size=0),
        rcnn=dict(
            assigner=dict(type='mmdet.MaxIoUAssigner', pos_iou_thr=0.5, neg_iou_thr=0.5,
                          min_pos_iou=0.5, match_low_quality=True, ignore_iof_thr=-1),
            sampler=dict(type='mmdet.RandomSampler', num=512, pos_fraction=0.25,
                         neg_pos_ub=-1, add_gt_as_proposals=True),
            mask_size=28, pos_weight=-1, debug=False)),
    test_cfg=dict(
        rpn=dict(nms_pre=1000, max_per_img=1000, nms=dict(type='nms', iou_threshold=0.7),
                 min_bbox_size=0),
        rcnn=dict(score_thr=0.05, nms=dict(type='nms', iou_threshold=0.5), max_per_img=100,
                  mask_thr_binary=0.5)))
