_base_ = './mae_vit-base-p16_8xb512-amp-coslr-1600e_in1k.py'

model = dict(backbone=dict(arch='h'))  # ViT-H/14: the arch sets patch 14
