# MAE paper fine-tuning of ViT-H/14: as ViT-L (50 epochs, lr 1e-3, layer decay 0.75), drop path 0.3.
_base_ = './vit-large-p16_mae-pre_8xb128-coslr-50e_in1k.py'

model = dict(
    backbone=dict(arch='h', drop_path_rate=0.3,
                  init_cfg=dict(checkpoint='work_dirs/mae_vit-huge-p14_8xb512-amp-coslr-1600e_in1k/'
                                           'epoch_1600.pth')),
    head=dict(in_channels=1280))
