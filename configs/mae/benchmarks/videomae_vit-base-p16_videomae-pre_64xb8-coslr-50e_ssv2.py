# VideoMAE ViT-B/16 fine-tuning on Something-Something v2 (MCG-NJU/VideoMAE scripts/ssv2/
# ..._epoch_800/finetune.sh): the Kinetics-400 recipe with 174 classes, segment sampling, no
# flip and 50 epochs; scored on one view per video instead of 2 clips x 3 crops.
_base_ = [
    '../../_base_/models/videomae_vit-base-p16_finetune.py',
    '../../_base_/datasets/ssv2_bs8_videomae_finetune.py',
    '../../_base_/schedules/adamw_layer-decay_coslr-75e_videomae-finetune.py',
    '../../_base_/default_runtime.py',
]

num_classes = 174
model = dict(
    data_preprocessor=dict(num_classes=num_classes),
    backbone=dict(init_cfg=dict(
        checkpoint='work_dirs/videomae_vit-base-p16_64xb32-800e_ssv2/epoch_800.pth')),
    head=dict(num_classes=num_classes))
max_epochs = 50
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=True, begin=0, end=5,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=max_epochs - 5, eta_min=1e-6, by_epoch=True, begin=5,
         end=max_epochs, convert_to_iter_based=True),
]
train_cfg = dict(max_epochs=max_epochs)
default_hooks = dict(checkpoint=dict(interval=5, max_keep_ckpts=2, save_best='accuracy/top1'))
