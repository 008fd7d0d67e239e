# The CPU demo with DeepSpeed ZeRO stage 2 over 2 ranks (32 digits each): gradients and AdamW
# state partitioned, through MMEngine's DeepSpeedStrategy. Needs deepspeed 0.16
# (pip install -r requirements/deepspeed.txt; docs/fsdp.md says why not 0.19):
#   tools/dist_train.sh configs/mae/mae_vit-demo-p4_2xb32-zero2-coslr-20e_mnist5k.py 2
_base_ = './mae_vit-demo-p4_1xb64-coslr-20e_mnist5k.py'

runner_type = 'mmmae.SafeFlexibleRunner'
strategy = dict(type='DeepSpeedStrategy', zero_optimization=dict(stage=2),
                train_micro_batch_size_per_gpu=32, gradient_clipping=None)
optim_wrapper = dict(_delete_=True, type='DeepSpeedOptimWrapper',
                     optimizer={{_base_.optim_wrapper.optimizer}},
                     paramwise_cfg={{_base_.optim_wrapper.paramwise_cfg}})
train_dataloader = dict(batch_size=32)
