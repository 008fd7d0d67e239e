# The Prithvi-like MAE (configs/_base_/models/prithvi-like_vit-base-p16.py) on the user's HLS
# band stacks with MAE's 300-epoch schedule.
_base_ = [
    '../_base_/models/prithvi-like_vit-base-p16.py',
    '../_base_/datasets/hls_bs32_band-stacks.py',
    '../_base_/schedules/adamw_coslr-300e_mae.py',
    '../_base_/default_runtime.py',
]

optim_wrapper = dict(optimizer=dict(lr=1.5e-4 * 256 / 256))
auto_scale_lr = dict(base_batch_size=256, enable=False)
