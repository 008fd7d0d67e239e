# ViT-2B/14 (width 2560, depth 24, 32 heads, MLP 10240: about 1.9B parameters, the shape MAWS
# pre-pretrains with MAE, Singh et al. 2023) with ViT-H's ImageNet recipe, sharded with FSDP
# over 16 GPUs (2 nodes x 8) at 256 images each (total batch 4096):
#   NNODES=2 NODE_RANK=0|1 MASTER_ADDR=host tools/dist_train.sh CONFIG 8
# The memory planner (docs/fsdp.md) counts 32.7 GiB a GPU there with selective_cp; 8 x 512
# would need 64.8 of an 80 GB GPU's 67 usable GiB, too close, but fits a 141 GB H200
# (--cfg-options train_dataloader.batch_size=512 on 8 of them). MAWS pretrains on
# Instagram-3B, which this config does not reproduce (docs/fsdp.md).
_base_ = './mae_vit-huge-p14_8xb512-amp-fsdp-coslr-1600e_in1k.py'

model = dict(backbone=dict(arch='2b'))
train_dataloader = dict(batch_size=256)
