# VideoMAE's pretraining schedule (MCG-NJU/VideoMAE run_mae_pretraining.py and its scripts):
# MAE's AdamW and no-decay rules, lr 1.5e-4 x total_batch / 256 (here the official 64 x 32 =
# 2048), 40 warm-up epochs then cosine, 800 epochs.
_base_ = './adamw_coslr-300e_mae.py'

max_epochs = 800
optim_wrapper = dict(optimizer=dict(lr=1.5e-4 * 2048 / 256))
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-4, by_epoch=True, begin=0, end=40,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=max_epochs - 40, by_epoch=True, begin=40, end=max_epochs,
         convert_to_iter_based=True),
]
train_cfg = dict(max_epochs=max_epochs)
auto_scale_lr = dict(base_batch_size=2048, enable=False)
