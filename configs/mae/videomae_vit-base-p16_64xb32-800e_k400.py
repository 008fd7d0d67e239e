# VideoMAE ViT-B/16 pretraining on Kinetics-400 with the official recipe
# (MCG-NJU/VideoMAE scripts/kinetics/..._epoch_800/pretrain.sh): 64 GPUs x 32 clips of 16
# frames 4 apart, tube masking 0.9, decoder depth 4, AdamW betas (0.9, 0.95), lr 1.5e-4 x 2048 /
# 256, 40 warm-up epochs then cosine, 800 epochs.
_base_ = [
    '../_base_/models/videomae_vit-base-p16.py',
    '../_base_/datasets/kinetics400_bs32_videomae.py',
    '../_base_/schedules/adamw_coslr-800e_videomae.py',
    '../_base_/default_runtime.py',
]
