_base_ = [
    '../_base_/models/mae_vit-base-p16.py',
    '../_base_/datasets/imagenet_bs512_mae.py',
    '../_base_/schedules/adamw_coslr-300e_mae.py',
    '../_base_/default_runtime.py',
]

# Long runs on preemptible nodes: resume from the latest checkpoint automatically.
resume = True
