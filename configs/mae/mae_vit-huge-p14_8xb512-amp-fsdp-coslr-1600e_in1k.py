# ViT-H/14 MAE pretraining sharded with FSDP instead of replicated with DDP: weights, gradients
# and AdamW's two moments (16 bytes a parameter, 9.4 GiB for ViT-H) are split over the GPUs,
# each transformer block one FSDP unit gathered only while it computes. Same recipe, same
# launch: tools/dist_train.sh CONFIG 8 (or tools/slurm_train.sh). Checkpoints are sharded
# directories that resume on any number of GPUs; consolidate_checkpoint.py makes one file.
_base_ = './mae_vit-huge-p14_8xb512-amp-coslr-1600e_in1k.py'

runner_type = 'mmmae.SafeFlexibleRunner'
strategy = dict(
    type='mmmae.MAEFSDPStrategy',
    model_wrapper=dict(
        sharding_strategy='FULL_SHARD',
        # bf16 compute and all-gathers, float32 gradient reduction and master weights; this
        # replaces the bf16 autocast of the DDP config
        mixed_precision=dict(param_dtype='bfloat16', reduce_dtype='float32',
                             buffer_dtype='float32', cast_forward_inputs=True)))
optim_wrapper = dict(_delete_=True, type='OptimWrapper',
                     optimizer={{_base_.optim_wrapper.optimizer}},
                     paramwise_cfg={{_base_.optim_wrapper.paramwise_cfg}})
