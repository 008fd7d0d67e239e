# The CPU demo with CrossMAE's decoder (Fu et al. 2024, arXiv 2401.14391): the mask-token
# queries cross-attend to the visible tokens only, and training decodes and scores a kept
# 25 % of the 64 patches (16 of the 48 masked); reconstruction pictures decode every patch.
# Not measured against the standard decoder yet (issue 20).
_base_ = './mae_vit-demo-p4_1xb64-coslr-20e_mnist5k.py'

model = dict(neck=dict(type='CrossMAEDecoder', kept_mask_ratio=0.25))
