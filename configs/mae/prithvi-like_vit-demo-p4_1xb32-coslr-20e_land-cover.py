# The Prithvi-like MAE at CPU-demo size on generated land-cover band stacks
# (mmmae.datasets.write_land_cover: 6 bands x 3 time steps, 32 px; no real multispectral data
# ships in a package here): the demo encoder (arch 'demo', patch 4, 3 x 8 x 8 = 192 tokens,
# 48 visible), random masking 0.75, 3-D sin-cos positions. Its checkpoint initialises
# configs/mae/benchmarks/upernet_prithvi-like_vit-demo-p4_1xb8-poly-500i_land-cover.py.
_base_ = [
    '../_base_/models/prithvi-like_vit-base-p16.py',
    '../_base_/datasets/hls_bs32_band-stacks.py',
    '../_base_/schedules/adamw_coslr-20e_cpu-demo.py',
    '../_base_/default_runtime.py',
]

model = dict(
    backbone=dict(arch='demo', img_size=32),
    neck=dict(decoder_embed_dim=64, decoder_depth=2, decoder_num_heads=4))

data_root = 'data/land_cover/'
train_dataloader = dict(
    batch_size=32, num_workers=2,
    dataset=dict(data_root=data_root, ann_file='meta/training.txt', pipeline=[
        dict(type='LoadBandStack', num_bands=6, num_frames=3),
        dict(type='SeededAugment', transforms=[dict(type='ClipFlip', prob=0.5)]),
        dict(type='PackClip'),
    ]))
# the masked-tubelet loss of the held-out stacks
test_dataloader = dict(
    batch_size=32, num_workers=0, sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='pseudo_collate'),
    dataset=dict(type='mmpretrain.CustomDataset', data_root=data_root, ann_file='meta/validation.txt',
                 with_label=False,
                 pipeline=[dict(type='LoadBandStack', num_bands=6, num_frames=3), dict(type='PackClip')]))
auto_scale_lr = dict(base_batch_size=32, enable=False)
default_hooks = dict(logger=dict(interval=5), checkpoint=dict(interval=5, max_keep_ckpts=2))
env_cfg = dict(dist_cfg=dict(backend='gloo'))
randomness = dict(seed=0, deterministic=False)
