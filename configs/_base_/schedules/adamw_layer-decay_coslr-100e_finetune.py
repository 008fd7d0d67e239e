# MAE fine-tuning: AdamW (0.9, 0.999), weight decay 0.05 (none on norms, biases, positions,
# tokens), layer-wise lr decay, lr = base lr x total batch / 256 (here for ViT-B: 5e-4 x 1024 / 256),
# 5 warm-up epochs then cosine.
optim_wrapper = dict(
    type='AmpOrCPUOptimWrapper',
    dtype='bfloat16',
    optimizer=dict(type='AdamW', lr=5e-4 * 1024 / 256, betas=(0.9, 0.999), weight_decay=0.05),
    constructor='LayerDecayOptimWrapperConstructor',
    paramwise_cfg=dict(layer_decay_rate=0.65))

param_scheduler = [
    dict(type='LinearLR', start_factor=1e-4, by_epoch=True, begin=0, end=5,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=95, eta_min=1e-6, by_epoch=True, begin=5, end=100,
         convert_to_iter_based=True),
]
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=100, val_interval=1)
auto_scale_lr = dict(base_batch_size=1024, enable=False)
