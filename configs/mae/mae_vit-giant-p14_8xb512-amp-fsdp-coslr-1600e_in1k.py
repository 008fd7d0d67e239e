# ViT-g/14 (width 1408, depth 40, 16 heads, MLP 6144: about 1.0B parameters, the shape EVA
# trains, Fang et al. 2023) pretrained with MAE's pixel objective and ViT-H's recipe, sharded
# with FSDP over 8 GPUs at 512 images each (the paper's total batch of 4096), as ViT-H. The
# memory planner (docs/fsdp.md) counts 1.9 GiB of training state and 57 GiB of activations a GPU
# with selective_cp (LayerNorm and GELU outputs recomputed in backward), inherited from ViT-H:
# within an 80 GB GPU, with its largest batch there 580.
_base_ = './mae_vit-huge-p14_8xb512-amp-fsdp-coslr-1600e_in1k.py'

model = dict(backbone=dict(arch='g'))
