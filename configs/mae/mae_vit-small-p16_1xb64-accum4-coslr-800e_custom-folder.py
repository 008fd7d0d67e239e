# MAE pretraining on your own unlabelled images on one GPU (docs/custom_data.md).
# ViT-S/16 at 224 (a small model suits a small data set), mask ratio 0.75, batch 64 with
# gradient accumulation over 4 steps (an effective batch of 256), AdamW lr 1.5e-4 x 256 / 256,
# 40 warm-up epochs then cosine, 800 epochs, bf16 autocast (without a GPU, train.py keeps bf16
# on a CPU with native bf16 and falls back to fp32 elsewhere). Set the folder with
#   --cfg-options train_dataloader.dataset.data_root=/path/to/images
_base_ = [
    '../_base_/models/mae_vit-base-p16.py',
    '../_base_/datasets/image-folder_bs64_mae.py',
    '../_base_/schedules/adamw_coslr-300e_mae.py',
    '../_base_/default_runtime.py',
]

model = dict(backbone=dict(arch='small'))  # the decoder takes its input width from the backbone

accumulative_counts = 4
effective_batch = 64 * accumulative_counts
optim_wrapper = dict(
    accumulative_counts=accumulative_counts,
    optimizer=dict(lr=1.5e-4 * effective_batch / 256))

max_epochs = 800
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-4, by_epoch=True, begin=0, end=40,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=max_epochs - 40, by_epoch=True, begin=40,
         end=max_epochs, convert_to_iter_based=True),
]
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs)

# small data sets make short epochs: checkpoint and draw every 20 epochs, log every 10 steps
default_hooks = dict(logger=dict(interval=10), checkpoint=dict(interval=20, max_keep_ckpts=3))
custom_hooks = [dict(type='ReconstructionHook', interval=20, num_images=8,
                     pipeline={{_base_.picture_pipeline}})]
resume = True
# --auto-scale-lr compares GPUs x batch_size (accumulation not counted) with this base: 1 x 64
auto_scale_lr = dict(base_batch_size=64, enable=False)
