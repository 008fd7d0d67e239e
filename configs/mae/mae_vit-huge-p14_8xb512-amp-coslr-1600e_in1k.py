_base_ = './mae_vit-base-p16_8xb512-amp-coslr-1600e_in1k.py'

# ViT-H/14: the arch sets patch 14. At 512 images per GPU a bf16 step keeps about 67 GiB of
# activations for backward plus 9.8 GiB of weights, gradients and AdamW state, more than an
# 80 GB GPU holds; recomputing the LayerNorm and GELU outputs in backward (selective_cp, no
# matmul repeated) brings the activations to about 46 GiB (docs/benchmarks.md, "Activation
# memory").
model = dict(backbone=dict(arch='h', selective_cp=True), neck=dict(selective_cp=True))
