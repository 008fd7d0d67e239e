# The detection / segmentation CPU demos' schedule: 1,000 iterations, fp32 AdamW with layer decay
# 0.75, 50 linear warm-up iterations, then cosine (the segmentation demo runs 3,000 with poly).
max_iters = 1000
warmup_iters = 50
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters, val_interval=max_iters)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
optim_wrapper = dict(
    type='OptimWrapper',  # fp32 on CPU
    optimizer=dict(type='AdamW', lr=1e-3, betas=(0.9, 0.999), weight_decay=0.05),
    constructor='mmmae.LayerDecayOptimWrapperConstructor',
    paramwise_cfg=dict(layer_decay_rate=0.75))
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=False, begin=0, end=warmup_iters),
    dict(type='CosineAnnealingLR', T_max=max_iters - warmup_iters, eta_min=1e-6, by_epoch=False,
         begin=warmup_iters, end=max_iters),
]
log_processor = dict(by_epoch=False)
