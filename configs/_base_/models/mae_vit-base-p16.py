# MAE with a ViT-B/16 encoder and the paper's decoder (512 wide, 8 blocks, 16 heads).
# The decoder and head take img_size, patch_size and widths from the backbone.
model = dict(
    type='MAE',
    data_preprocessor=dict(
        type='MAEDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        to_rgb=True),
    backbone=dict(type='MAEViT', arch='b', img_size=224, mask_ratio=0.75),
    neck=dict(type='MAEDecoder', decoder_embed_dim=512, decoder_depth=8, decoder_num_heads=16),
    head=dict(type='MAEPixelHead', norm_pix=True))
