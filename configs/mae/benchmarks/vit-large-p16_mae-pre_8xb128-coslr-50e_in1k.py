# MAE paper fine-tuning of ViT-L/16: 50 epochs, base lr 1e-3, layer decay 0.75, drop path 0.2.
_base_ = './vit-base-p16_mae-pre_8xb128-coslr-100e_in1k.py'

model = dict(
    backbone=dict(arch='l', drop_path_rate=0.2,
                  init_cfg=dict(checkpoint='work_dirs/mae_vit-large-p16_8xb512-amp-coslr-1600e_in1k/'
                                           'epoch_1600.pth')),
    head=dict(in_channels=1024))
optim_wrapper = dict(optimizer=dict(lr=1e-3 * 1024 / 256), paramwise_cfg=dict(layer_decay_rate=0.75))
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-4, by_epoch=True, begin=0, end=5,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=45, eta_min=1e-6, by_epoch=True, begin=5, end=50,
         convert_to_iter_based=True),
]
train_cfg = dict(max_epochs=50)
