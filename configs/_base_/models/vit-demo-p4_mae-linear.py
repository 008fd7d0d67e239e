# The demo encoder as a frozen feature for a linear probe: cls token, BatchNorm (no affine) +
# linear, as the MAE paper's probe; initialised from the demo's pretraining checkpoint.
_base_ = './vit-demo-p4_mae-finetune.py'

model = dict(
    backbone=dict(frozen=True, out_type='cls_token', drop_path_rate=0.0),
    neck=dict(_delete_=True, type='mmpretrain.ClsBatchNormNeck', input_features=128),
    head=dict(loss=dict(_delete_=True, type='mmpretrain.CrossEntropyLoss'),
              init_cfg=[dict(type='TruncNormal', layer='Linear', std=0.01)]))
