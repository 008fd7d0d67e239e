# The labelled video demo on CPU: a small VideoMAE (tubelets 2x4x4, 75 % tube masking) on the
# 4,000 Moving MNIST-5k training clips, 8 frames x 32 px (4 x 8 x 8 = 256 tubelets, 64
# visible). The encoder is the image demo's (arch 'demo'). VideoMAE's 90 % left 6 of the 64
# places of a clip visible and gave worse features here (docs/video.md).
# tools/analysis_tools/demo_benchmarks.py --demo moving-mnist5k probes it (k-NN, linear)
# against a random init.
_base_ = [
    '../_base_/models/videomae_vit-base-p16.py',
    '../_base_/datasets/moving-mnist5k_bs32_videomae.py',
    '../_base_/schedules/adamw_coslr-20e_cpu-demo.py',
    '../_base_/default_runtime.py',
]

model = dict(
    data_preprocessor=dict(mean=[33.3], std=[78.6], to_rgb=False),  # MNIST statistics
    backbone=dict(arch='demo', num_frames=8, img_size=32, in_channels=1, mask_ratio=0.75),
    neck=dict(decoder_embed_dim=64, decoder_depth=2, decoder_num_heads=4),
    head=dict(norm_pix=None, channel_std=None))

auto_scale_lr = dict(base_batch_size=32, enable=False)

default_hooks = dict(logger=dict(interval=25), checkpoint=dict(interval=5, max_keep_ckpts=2))
# frames x (original / masked / reconstruction / pasted) of 4 held-out clips every 5 epochs
custom_hooks = [dict(type='ReconstructionHook', interval=5, num_images=4, scale=3)]
env_cfg = dict(dist_cfg=dict(backend='gloo'))
randomness = dict(seed=0, deterministic=False)
