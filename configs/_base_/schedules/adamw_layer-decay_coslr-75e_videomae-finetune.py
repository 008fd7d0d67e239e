# VideoMAE's fine-tuning schedule (MCG-NJU/VideoMAE run_class_finetuning.py and its ViT-B
# finetune.sh scripts): AdamW lr 5e-4 x total batch / 256 (here 64 GPUs x 8 clips = 512),
# weight decay 0.05, layer decay 0.75, 5 warm-up epochs then cosine to 1e-6; 75 epochs
# (Kinetics-400; SSv2 uses 50).
_base_ = './adamw_layer-decay_coslr-100e_finetune.py'

max_epochs = 75
optim_wrapper = dict(optimizer=dict(lr=5e-4 * 512 / 256), paramwise_cfg=dict(layer_decay_rate=0.75))
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=True, begin=0, end=5,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=max_epochs - 5, eta_min=1e-6, by_epoch=True, begin=5,
         end=max_epochs, convert_to_iter_based=True),
]
train_cfg = dict(max_epochs=max_epochs, val_interval=5)
auto_scale_lr = dict(base_batch_size=512, enable=False)
