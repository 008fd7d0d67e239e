_base_ = './mae_vit-base-p16_8xb512-amp-coslr-400e_in1k.py'

model = dict(backbone=dict(arch='l'))
