# ViT-g/14 (width 1408, depth 40, 16 heads, MLP 6144: about 1.0B parameters, the shape EVA
# trains, Fang et al. 2023) pretrained with MAE's pixel objective and ViT-H's recipe, sharded
# with FSDP over 16 GPUs (2 nodes x 8) at 256 images each, the paper's total batch of 4096.
# Training state: 16 bytes x 1.01B / 16 GPUs = 1.0 GB a GPU; LayerNorm and GELU outputs are
# recomputed in backward (selective_cp) to fit the activations of 256 images in 80 GB.
#   NNODES=2 NODE_RANK=0|1 MASTER_ADDR=host tools/dist_train.sh CONFIG 8
_base_ = './mae_vit-huge-p14_8xb512-amp-fsdp-coslr-1600e_in1k.py'

model = dict(backbone=dict(arch='g'))
train_dataloader = dict(batch_size=256)
