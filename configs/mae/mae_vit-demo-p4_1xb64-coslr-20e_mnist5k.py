# The CPU demo (make demo): a small MAE on the 4,000 MNIST-5k training digits at 32x32,
# patch 4 (64 patches, 16 visible). norm_pix is off so the reconstruction picture shows
# what the model predicts, not statistics taken from the hidden patches.
_base_ = [
    '../_base_/models/mae_vit-base-p16.py',
    '../_base_/datasets/mnist5k_bs64_mae.py',
    '../_base_/schedules/adamw_coslr-300e_mae.py',
    '../_base_/default_runtime.py',
]

model = dict(
    data_preprocessor=dict(mean=[33.3, 33.3, 33.3], std=[78.6, 78.6, 78.6]),  # MNIST statistics
    backbone=dict(arch='demo', img_size=32),
    neck=dict(decoder_embed_dim=64, decoder_depth=2, decoder_num_heads=4),
    head=dict(norm_pix=False))

max_epochs = 20
# Plain fp32 on CPU (AmpOptimWrapper needs a GPU); the pretraining no-decay rules are kept.
optim_wrapper = dict(
    _delete_=True,
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=1e-3, betas=(0.9, 0.95), weight_decay=0.05),
    paramwise_cfg={{_base_.optim_wrapper.paramwise_cfg}})
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=True, begin=0, end=2,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=max_epochs - 2, by_epoch=True, begin=2, end=max_epochs,
         convert_to_iter_based=True),
]
train_cfg = dict(max_epochs=max_epochs)
test_cfg = dict(type='TestLoop')
test_evaluator = dict(type='ReconstructionLoss')
auto_scale_lr = dict(base_batch_size=64, enable=False)

default_hooks = dict(
    logger=dict(interval=20),
    checkpoint=dict(interval=5, max_keep_ckpts=2))
# reconstructions of 8 held-out digits every 5 epochs: work_dir/reconstructions/epoch_N.png
custom_hooks = [dict(type='ReconstructionHook', interval=5, num_images=8, scale=2)]
env_cfg = dict(dist_cfg=dict(backend='gloo'))
randomness = dict(seed=0, deterministic=False)
