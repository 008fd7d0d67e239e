# MAE paper fine-tuning of ViT-B/16: 100 epochs, batch 1024, layer decay 0.65, drop path 0.1.
_base_ = [
    '../../_base_/models/vit-base-p16_mae-finetune.py',
    '../../_base_/datasets/imagenet_bs128_mae_finetune.py',
    '../../_base_/schedules/adamw_layer-decay_coslr-100e_finetune.py',
    '../../_base_/default_runtime.py',
]
default_hooks = dict(checkpoint=dict(max_keep_ckpts=3, save_best='auto'))
resume = True
