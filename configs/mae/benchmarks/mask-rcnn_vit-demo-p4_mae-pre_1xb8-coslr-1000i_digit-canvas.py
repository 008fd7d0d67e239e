# The ViTDet-style COCO Mask R-CNN recipe (the base-p16 COCO config in this folder) scaled down
# to the CPU demo: the demo MAE encoder (patch 4, pretrained on MNIST-5k by
# configs/mae/mae_vit-demo-p4_1xb64-coslr-20e_mnist5k.py) on the 48x48 digit canvases.
# One change of architecture: MMDetection's FPN replaces the base's SimpleFPN on the stride-4
# map (with SimpleFPN's LayerNorm the R-CNN heads learnt neither digit nor mask: box AP 3.3,
# mask AP 0.0). Strides 4/8/16 (the FPN max-pools the stride-4 map twice), anchors of
# 16/32/64 pixels, narrower heads. AdamW with layer decay, 50 warm-up iterations then cosine.
# Random-init baseline: --cfg-options model.backbone.init_cfg=None
# Measured (docs/detection_segmentation.md, seeds 0-2): box AP 74.2 / mask AP 64.3 from the demo MAE
# vs 72.1 / 62.5 random init.
_base_ = [
    '../../_base_/models/mask-rcnn_mae-vit-base-p16_simple-fpn.py',
    '../../_base_/datasets/digit-canvas_instance.py',
    '../../_base_/schedules/adamw_layer-decay_1000i_cpu-demo.py',
    '../../_base_/default_runtime.py',
]
default_scope = 'mmdet'
custom_imports = dict(imports=['mmmae.models', 'mmmae.engine'], allow_failed_imports=False)

model = dict(
    data_preprocessor=dict(mean=[33.3, 33.3, 33.3], std=[78.6, 78.6, 78.6],  # MNIST statistics
                           batch_augments=None),
    backbone=dict(arch='demo', img_size=48,
                  init_cfg=dict(checkpoint='work_dirs/demo/epoch_20.pth')),
    # MMDetection's FPN (no norm layers) on the one stride-4 map, max-pooled to strides 8 and 16,
    # instead of the base's SimpleFPN: SimpleFPN's LayerNorm after its 1x1 convolution leaves
    # RoI features from which the R-CNN heads learn neither the digit nor its mask here (see
    # docs/detection_segmentation.md, "Why the first demo Mask R-CNN learnt almost nothing").
    neck=dict(_delete_=True, type='mmdet.FPN', in_channels=[128], out_channels=64, num_outs=3),
    rpn_head=dict(in_channels=64, feat_channels=64,
                  anchor_generator=dict(scales=[4], strides=[4, 8, 16])),
    roi_head=dict(
        bbox_roi_extractor=dict(out_channels=64, featmap_strides=[4, 8]),
        bbox_head=dict(in_channels=64, fc_out_channels=256, num_classes=10),
        mask_roi_extractor=dict(out_channels=64, featmap_strides=[4, 8]),
        mask_head=dict(in_channels=64, conv_out_channels=64, num_classes=10)),
    train_cfg=dict(rpn=dict(sampler=dict(num=64)),
                   rpn_proposal=dict(nms_pre=500, max_per_img=100),
                   rcnn=dict(sampler=dict(num=64))),
    test_cfg=dict(rpn=dict(nms_pre=500, max_per_img=100), rcnn=dict(max_per_img=20)))

default_hooks = dict(
    logger=dict(interval=50),
    checkpoint=dict(by_epoch=False, interval={{_base_.max_iters}}, max_keep_ckpts=1))
env_cfg = dict(dist_cfg=dict(backend='gloo'))
visualizer = dict(type='mmdet.DetLocalVisualizer', vis_backends=[dict(type='LocalVisBackend')])
