_base_ = './vit-base-p16_mae-pre_8xb2048-linear-coslr-90e_in1k.py'

model = dict(
    backbone=dict(arch='h',
                  init_cfg=dict(checkpoint='work_dirs/mae_vit-huge-p14_8xb512-amp-coslr-1600e_in1k/'
                                           'epoch_1600.pth')),
    neck=dict(input_features=1280),
    head=dict(in_channels=1280))
