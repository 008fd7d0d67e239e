# The demo encoder on ImageNet-like photographs (a small CPU stand-in for ImageNet): MAE with
# patch 8 at 64 x 64 (64 patches, 16 visible, as in the MNIST-5k demo), normalised-pixel loss, the
# demo's 20-epoch schedule, over 2,000 JPEG crops decoded at the crop's need.
# Data: python -c "from mmmae.apis.demo import DEMOS; DEMOS['imagenet-like'].write_data('data/imagenet_like')"
_base_ = [
    '../_base_/models/mae_vit-base-p16.py',
    '../_base_/datasets/imagenet-like_bs64_mae.py',
    '../_base_/schedules/adamw_coslr-20e_cpu-demo.py',
    '../_base_/default_runtime.py',
]

model = dict(
    backbone=dict(arch='demo', img_size=64, patch_size=8),
    neck=dict(decoder_embed_dim=64, decoder_depth=2, decoder_num_heads=4))

auto_scale_lr = dict(base_batch_size=64, enable=False)
default_hooks = dict(logger=dict(interval=10), checkpoint=dict(interval=5, max_keep_ckpts=2))
env_cfg = dict(dist_cfg=dict(backend='gloo'))
randomness = dict(seed=0, deterministic=False)
