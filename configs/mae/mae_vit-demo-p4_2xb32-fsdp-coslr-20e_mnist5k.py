# The CPU demo sharded with FSDP over 2 ranks (32 digits each, the demo's 64 a step):
#   tools/dist_train.sh configs/mae/mae_vit-demo-p4_2xb32-fsdp-coslr-20e_mnist5k.py 2
# FlexibleRunner with mmmae's FSDP strategy: one FSDP unit per transformer block, parameters,
# gradients and AdamW moments sharded over the ranks; on machines without GPUs the ranks run on
# the CPU with gloo. Checkpoints are sharded (torch.distributed.checkpoint) directories
# that resume on any number of ranks; tools/model_converters/consolidate_checkpoint.py turns one
# into a single mmmae checkpoint.
_base_ = './mae_vit-demo-p4_1xb64-coslr-20e_mnist5k.py'

runner_type = 'mmmae.SafeFlexibleRunner'
strategy = dict(type='mmmae.MAEFSDPStrategy')
train_dataloader = dict(batch_size=32)
