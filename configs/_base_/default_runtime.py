default_scope = 'mmmae'
# mmengine's Runner with checkpoints (load_from, resume) read by mmmae's safe loader: mmengine
# 0.10.7's torch.load refuses its own checkpoints on torch >= 2.6 (mmmae/engine/checkpoint.py)
runner_type = 'mmmae.SafeLoadRunner'

default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=100),
    param_scheduler=dict(type='ParamSchedulerHook'),
    # written atomically (temporary file, fsync, rename): a killed run never leaves half a file
    checkpoint=dict(type='CheckpointHook', interval=1, max_keep_ckpts=3,
                    backend_args=dict(backend='atomic_local')),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    # RNG states in every checkpoint: a resumed run repeats an uninterrupted one exactly
    random_state=dict(type='mmmae.RandomStateHook'),
    # a NaN / Inf loss stops the run before it is checkpointed, naming the checkpoint to go back to
    non_finite_loss=dict(type='mmmae.NonFiniteLossHook'),
)

env_cfg = dict(
    cudnn_benchmark=False,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    dist_cfg=dict(backend='nccl'),  # tools/train.py switches to gloo on machines without GPUs
)

vis_backends = [dict(type='LocalVisBackend')]
visualizer = dict(type='UniversalVisualizer', vis_backends=vis_backends)

log_level = 'INFO'
load_from = None
resume = False
randomness = dict(seed=0, diff_rank_seed=True)
