# ViT-2B/14 (width 2560, depth 24, 32 heads, MLP 10240: about 1.9B parameters, the shape MAWS
# pre-pretrains with MAE, Singh et al. 2023) with ViT-H's ImageNet recipe, sharded with FSDP
# over 16 GPUs at 256 images each (total batch 4096). MAWS pretrains on Instagram-3B, which
# this config does not reproduce; docs/fsdp.md says what is cited and what is not.
_base_ = './mae_vit-huge-p14_8xb512-amp-fsdp-coslr-1600e_in1k.py'

model = dict(backbone=dict(arch='2b'))
train_dataloader = dict(batch_size=256)
