# Linear-probe recipe scaled down to the MNIST-5k demo: frozen encoder, cls token, BatchNorm
# (no affine) + linear, LARS without weight decay, 2 warm-up epochs then cosine, 20 epochs.
# Random-encoder baseline: --cfg-options model.backbone.init_cfg=None
_base_ = [
    '../../_base_/models/vit-demo-p4_mae-linear.py',
    '../../_base_/datasets/mnist5k_bs64_cls.py',
    '../../_base_/schedules/lars_linear-20e_cpu-demo.py',
    '../../_base_/default_runtime.py',
]

default_hooks = dict(logger=dict(interval=20), checkpoint=dict(interval={{_base_.max_epochs}}))
env_cfg = dict(dist_cfg=dict(backend='gloo'))
