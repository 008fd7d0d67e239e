# The CPU demos' linear-probe schedule: LARS without weight decay at the paper's lr (0.1 x batch
# / 256, here x 16 for 64-image batches), 2 warm-up epochs then cosine to 0 at epoch 20, one
# validation at the end (set default_hooks.checkpoint.interval to max_epochs).
max_epochs = 20
optim_wrapper = dict(optimizer=dict(type='mmpretrain.LARS', lr=0.1 * 64 / 256 * 16,
                                    weight_decay=0.0, momentum=0.9))
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=True, begin=0, end=2,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=max_epochs - 2, eta_min=0.0, by_epoch=True, begin=2,
         end=max_epochs, convert_to_iter_based=True),
]
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs, val_interval=max_epochs)
auto_scale_lr = dict(base_batch_size=64, enable=False)
