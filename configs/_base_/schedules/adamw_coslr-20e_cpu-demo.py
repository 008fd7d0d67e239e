# The CPU demos' schedule: plain fp32 AdamW (AmpOptimWrapper needs a GPU) with MAE's
# pretraining no-decay rules, lr 1e-3, 2 warm-up epochs then cosine to epoch 20; the test loop
# reports the masked-patch loss of held-out data.
_base_ = './adamw_coslr-300e_mae.py'

max_epochs = 20
optim_wrapper = dict(
    _delete_=True,
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=1e-3, betas=(0.9, 0.95), weight_decay=0.05),
    paramwise_cfg={{_base_.optim_wrapper.paramwise_cfg}})
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=True, begin=0, end=2,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=max_epochs - 2, by_epoch=True, begin=2, end=max_epochs,
         convert_to_iter_based=True),
]
train_cfg = dict(max_epochs=max_epochs)
test_cfg = dict(type='TestLoop')
test_evaluator = dict(type='ReconstructionLoss')
