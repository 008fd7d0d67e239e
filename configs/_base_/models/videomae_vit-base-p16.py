# VideoMAE ViT-B/16 (Tong et al. 2022): 16-frame clips at 224, tubelets 2x16x16, fixed 1-D
# sin-cos positions, 90 % tube masking, a 4-block decoder of width 384 (6 heads), targets
# normalised per channel of each tubelet on the un-normalised pixels (channel_std), as the
# official code and transformers' VideoMAEForPreTraining do (verified: docs/converters.md).
model = dict(
    type='MAE',
    data_preprocessor=dict(type='ClipDataPreprocessor'),
    backbone=dict(type='MAEVideoViT', arch='b', num_frames=16, img_size=224, tubelet_size=2,
                  pos_embed='sinusoid_1d', masking='tube', mask_ratio=0.9),
    neck=dict(type='MAEVideoDecoder', decoder_embed_dim=384, decoder_depth=4, decoder_num_heads=6,
              decoder_embed_bias=False),
    head=dict(type='MAEVideoPixelHead', norm_pix='tubelet_channel',
              channel_std=(0.229, 0.224, 0.225)))
