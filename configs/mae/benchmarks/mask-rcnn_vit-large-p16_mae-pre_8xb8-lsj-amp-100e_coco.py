# As the ViT-B config with ViT-L/16: global blocks 5, 11, 17, 23, drop path 0.4, layer decay 0.8,
# activation checkpointing for memory. The MAE paper reports box AP 53.3 for ViT-L with its own
# FPN-adapted Mask R-CNN (cited; this ViTDet-style recipe is not that one, and not measured here).
_base_ = './mask-rcnn_vit-base-p16_mae-pre_8xb8-lsj-amp-100e_coco.py'

model = dict(
    backbone=dict(arch='l', drop_path_rate=0.4, with_cp=True,
                  init_cfg=dict(checkpoint='work_dirs/mae_vit-large-p16_8xb512-amp-coslr-1600e_in1k/'
                                           'epoch_1600.pth')),
    neck=dict(in_channels=1024))
optim_wrapper = dict(paramwise_cfg=dict(layer_decay_rate=0.8))
