# The MAE paper's detector (He et al. 2022, appendix A.3): Mask R-CNN with a standard FPN on a
# plain ViT-B/16. The 12 blocks are divided equally into 4 subsets; the outputs of blocks 3, 6, 9,
# 12 are resampled to strides 4/8/16/32 (two 2x2 deconvolutions with norm and GELU between, one
# deconvolution, identity, max-pool: MMSegmentation's Feature2Pyramid) and fed to MMDetection's
# FPN. The encoder is mmmae's MAEViTSeg (global attention, a zero-initialised relative position
# bias per block, no cls token, no final norm). Data, schedule and heads as in the ViTDet-style
# config this inherits. Box AP 50.3, mask AP 44.9 in the MAE paper (cited, not measured by mmmae).
_base_ = ['./mask-rcnn_vit-base-p16_mae-pre_8xb8-lsj-amp-100e_coco.py']

model = dict(
    backbone=dict(
        _delete_=True, type='mmmae.MAEViTSeg', arch='b', img_size=(1024, 1024),
        drop_path_rate=0.1, out_indices=(2, 5, 8, 11), cls_token=False,
        init_cfg=dict(type='mmmae.Pretrained', prefix='backbone.',
                      checkpoint='work_dirs/mae_vit-base-p16_8xb512-amp-coslr-1600e_in1k/'
                                 'epoch_1600.pth')),
    neck=[
        dict(type='mmseg.Feature2Pyramid', embed_dim=768, rescales=[4, 2, 1, 0.5],
             norm_cfg=dict(type='SyncBN', requires_grad=True)),
        dict(type='mmdet.FPN', in_channels=[768] * 4, out_channels=256, num_outs=5),
    ])
