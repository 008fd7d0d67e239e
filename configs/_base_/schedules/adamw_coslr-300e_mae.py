# AdamW, lr 1.5e-4 x total_batch / 256 (set here for the nominal 8 x 512 = 4096),
# no weight decay on norms, biases, position embeddings and tokens; 40 warm-up
# epochs then cosine; bf16 autocast. fused=True: torch's fused AdamW kernel (GPU and CPU) updates
# every parameter in one pass instead of about ten elementwise ops each (docs/benchmarks.md).
optim_wrapper = dict(
    type='AmpOrCPUOptimWrapper',
    dtype='bfloat16',
    optimizer=dict(type='AdamW', lr=1.5e-4 * 4096 / 256, betas=(0.9, 0.95), weight_decay=0.05,
                   fused=True),
    paramwise_cfg=dict(
        norm_decay_mult=0.0,
        bias_decay_mult=0.0,
        custom_keys={
            'pos_embed': dict(decay_mult=0.0),
            'cls_token': dict(decay_mult=0.0),
            'mask_token': dict(decay_mult=0.0),
        }))

param_scheduler = [
    dict(type='LinearLR', start_factor=1e-4, by_epoch=True, begin=0, end=40,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=260, by_epoch=True, begin=40, end=300,
         convert_to_iter_based=True),
]

train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=300)

# `--auto-scale-lr` rescales the lr when the real total batch is not 4096.
auto_scale_lr = dict(base_batch_size=4096, enable=False)
