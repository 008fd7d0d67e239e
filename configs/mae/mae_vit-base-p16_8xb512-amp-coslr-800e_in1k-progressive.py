# ViT-B/16 MAE, 800 epochs on ImageNet-1k with progressive resolution as DailyMAE / FastSSL
# trains it (Wu et al. 2024, arXiv 2404.00509; github.com/erow/FastSSL, DynamicMasking stages
# 160 -> 192 -> 224 px stepped over the first 400 epochs): 160 px crops for epochs 0-199 (100
# patches), 192 px for 200-399 (144) and 224 px from 400 on (196), at the same batch, lr and mask
# ratio 0.75 (their scheme 2; scheme 1 also lowers the mask ratio at low resolution, which a
# stage's mask_ratio gives). The schedule is the 800-epoch config's, epoch for epoch. Cited, not
# measured by mmmae: MAE-B/16 for 800 epochs in 18 h on 8 A100 with their whole recipe
# (progressive resolution and their FFCV data path), up to 5.8x faster (paper abstract).
# Forward FLOPs per image, averaged over the epochs: 0.81x of the fixed-resolution config
# (docs/benchmarks.md). A 1,600-epoch or crop-decode variant is this file's stages over that base.
_base_ = './mae_vit-base-p16_8xb512-amp-coslr-800e_in1k.py'

custom_hooks = [
    dict(type='ProgressiveResolutionHook', stages=[
        dict(begin=0, img_size=160),
        dict(begin=200, img_size=192),
        dict(begin=400, img_size=224),
    ]),
]
