# Linear probe of the ImageNet-like run's encoder (mae_vit-demo-p8_1xb64-coslr-20e_imagenet-like.py),
# as the MNIST-5k demo's probe: frozen encoder, cls token, BatchNorm + linear, LARS, 20 epochs on
# the 2,000 crops; top-1 (which of the 10 photographs) on the 500 held-out crops.
# Random-encoder baseline: --cfg-options model.backbone.init_cfg=None
_base_ = [
    '../../_base_/models/vit-demo-p4_mae-linear.py',
    '../../_base_/datasets/imagenet-like_bs64_cls.py',
    '../../_base_/schedules/lars_linear-20e_cpu-demo.py',
    '../../_base_/default_runtime.py',
]

model = dict(
    data_preprocessor=dict(mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375]),
    backbone=dict(img_size=64, patch_size=8,
                  init_cfg=dict(checkpoint='work_dirs/imagenet_like/epoch_20.pth')))
default_hooks = dict(logger=dict(interval=20), checkpoint=dict(interval={{_base_.max_epochs}}))
env_cfg = dict(dist_cfg=dict(backend='gloo'))
