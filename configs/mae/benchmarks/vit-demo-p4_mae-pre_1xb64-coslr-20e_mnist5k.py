# Fine-tuning recipe scaled down to the MNIST-5k demo: AdamW, layer decay 0.75, drop path 0.1,
# label smoothing 0.1, 2 warm-up epochs then cosine, 20 epochs on CPU.
# Scratch baseline: --cfg-options model.backbone.init_cfg=None
_base_ = [
    '../../_base_/models/vit-demo-p4_mae-finetune.py',
    '../../_base_/datasets/mnist5k_bs64_cls.py',
    '../../_base_/schedules/adamw_layer-decay_coslr-100e_finetune.py',
    '../../_base_/default_runtime.py',
]

max_epochs = 20
optim_wrapper = dict(type='OptimWrapper', _delete_=True,
                     optimizer=dict(type='AdamW', lr=1e-3, betas=(0.9, 0.999), weight_decay=0.05),
                     constructor='LayerDecayOptimWrapperConstructor',
                     paramwise_cfg=dict(layer_decay_rate=0.75))
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=True, begin=0, end=2,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=max_epochs - 2, eta_min=1e-6, by_epoch=True, begin=2,
         end=max_epochs, convert_to_iter_based=True),
]
train_cfg = dict(max_epochs=max_epochs, val_interval=max_epochs)
auto_scale_lr = dict(base_batch_size=64)
default_hooks = dict(logger=dict(interval=20), checkpoint=dict(interval=max_epochs))
env_cfg = dict(dist_cfg=dict(backend='gloo'))
