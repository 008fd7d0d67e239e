# As the ViT-B config with ViT-L/16: blocks 8, 12, 16, 24, layer decay 0.75 (the paper's
# ViT-L setting; mIoU 53.6 in the paper, cited).
_base_ = './upernet_vit-base-p16_mae-pre_8xb2-amp-160k_ade20k-512x512.py'

model = dict(
    backbone=dict(arch='l', out_indices=(7, 11, 15, 23),
                  init_cfg=dict(checkpoint='work_dirs/mae_vit-large-p16_8xb512-amp-coslr-1600e_in1k/'
                                           'epoch_1600.pth')),
    neck=dict(embed_dim=1024),
    decode_head=dict(in_channels=[1024, 1024, 1024, 1024], channels=1024),
    auxiliary_head=dict(in_channels=1024))
optim_wrapper = dict(paramwise_cfg=dict(layer_decay_rate=0.75))
