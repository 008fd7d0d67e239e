"""Small model configs shared by the tests."""


def tiny_mae_cfg(**backbone) -> dict:
    """A small MAE (32x32 inputs, patch 8, 16 patches) for fast model tests."""
    return dict(
        type='MAE',
        backbone=dict(type='MAEViT', arch=dict(embed_dim=64, depth=2, num_heads=4),
                      img_size=32, patch_size=8, **backbone),
        neck=dict(type='MAEDecoder', decoder_embed_dim=32, decoder_depth=1, decoder_num_heads=4),
        head=dict(type='MAEPixelHead', norm_pix=True))
