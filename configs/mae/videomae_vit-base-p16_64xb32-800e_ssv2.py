# VideoMAE ViT-B/16 pretraining on Something-Something v2: the Kinetics-400 recipe with frames
# 2 apart (MCG-NJU/VideoMAE scripts/ssv2/..._epoch_800/pretrain.sh).
_base_ = [
    '../_base_/models/videomae_vit-base-p16.py',
    '../_base_/datasets/ssv2_bs32_videomae.py',
    '../_base_/schedules/adamw_coslr-800e_videomae.py',
    '../_base_/default_runtime.py',
]
