# A Prithvi-like multispectral-temporal MAE: the shape of Prithvi-100M (NASA/IBM 2023: ViT-B/16,
# 6 HLS bands B02, B03, B04, B8A, B11, B12 over 3 time steps, tubelets of 1 step, 3-D sin-cos
# positions, random masking 0.75, decoder 512 x 8 blocks, pixel targets not normalised). The
# positions are mmmae's sincos_3d (3/8 columns, 3/8 rows, 1/4 time), not Prithvi's exact
# split, and there is no cls token. Band statistics: HLS reflectances are stored x 10000; give
# your data's per-band mean and std in data_preprocessor.
model = dict(
    type='MAE',
    data_preprocessor=dict(type='ClipDataPreprocessor', mean=[0.0] * 6, std=[10000.0] * 6,
                           to_rgb=False),
    backbone=dict(type='MAEVideoViT', arch='b', num_frames=3, img_size=224, tubelet_size=1,
                  in_channels=6, pos_embed='sincos_3d', masking='random', mask_ratio=0.75),
    neck=dict(type='MAEVideoDecoder', decoder_embed_dim=512, decoder_depth=8, decoder_num_heads=16),
    head=dict(type='MAEVideoPixelHead', norm_pix=None))
