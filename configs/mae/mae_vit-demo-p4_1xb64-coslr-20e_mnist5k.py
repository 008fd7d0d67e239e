# The CPU demo (make demo): a small MAE on the 4,000 MNIST-5k training digits at 32x32,
# patch 4 (64 patches, 16 visible). norm_pix is off so the reconstruction picture shows
# what the model predicts, not statistics taken from the hidden patches.
_base_ = [
    '../_base_/models/mae_vit-base-p16.py',
    '../_base_/datasets/mnist5k_bs64_mae.py',
    '../_base_/schedules/adamw_coslr-20e_cpu-demo.py',
    '../_base_/default_runtime.py',
]

model = dict(
    data_preprocessor=dict(mean=[33.3, 33.3, 33.3], std=[78.6, 78.6, 78.6]),  # MNIST statistics
    backbone=dict(arch='demo', img_size=32),
    neck=dict(decoder_embed_dim=64, decoder_depth=2, decoder_num_heads=4),
    head=dict(norm_pix=False))

auto_scale_lr = dict(base_batch_size=64, enable=False)

default_hooks = dict(
    logger=dict(interval=20),
    checkpoint=dict(interval=5, max_keep_ckpts=2))
# reconstructions of 8 held-out digits every 5 epochs: work_dir/reconstructions/epoch_N.png
custom_hooks = [dict(type='ReconstructionHook', interval=5, num_images=8, scale=2)]
env_cfg = dict(dist_cfg=dict(backend='gloo'))
randomness = dict(seed=0, deterministic=False)
