# VideoMAE ViT-B/16 fine-tuning on Kinetics-400 (MCG-NJU/VideoMAE scripts/kinetics/..._epoch_800
# finetune.sh): 64 GPUs x 8 clips, 75 epochs. Without VideoMAE's repeated augmentation (its
# 79.4 row), RandAugment or random erasing, and scored on one view per video instead of
# 5 clips x 3 crops.
_base_ = [
    '../../_base_/models/videomae_vit-base-p16_finetune.py',
    '../../_base_/datasets/kinetics400_bs8_videomae_finetune.py',
    '../../_base_/schedules/adamw_layer-decay_coslr-75e_videomae-finetune.py',
    '../../_base_/default_runtime.py',
]

default_hooks = dict(checkpoint=dict(interval=5, max_keep_ckpts=2, save_best='accuracy/top1'))
