"""The memory planner: its depth-extended counts equal whole-model counts, its FSDP state equals
what 2 gloo ranks hold, and its arithmetic per strategy and GPU count."""
import pytest
import torch
from _dist import assert_ok, dist_train, with_hook
from conftest import load_tool

from mmmae.benchmark.memory_plan import (STATE_BYTES, ArchMemory, arch_memory, build_mae, counted_kept,
                                         largest_batch, per_gpu_bytes)


@pytest.mark.parametrize('arch, img_size, options', [('demo', 32, {}), ('demo', 32, dict(selective_cp=True)),
                                                     ('small', 64, {})])
def test_depth_extended_counts_equal_the_whole_models(registered, arch, img_size, options):
    planned = arch_memory(arch, img_size, **options)
    whole = build_mae(arch, 12 if arch == 'small' else 4, img_size, **options)
    one, two = (counted_kept(whole, batch, img_size) for batch in (1, 2))
    assert planned.kept_per_image == two - one
    assert planned.autocast_weights == 2 * one - two
    assert planned.params == sum(p.numel() for p in whole.parameters())


def test_fsdp_state_a_gpu_is_what_two_ranks_hold(tmp_path, mnist_root, registered):
    config = with_hook(tmp_path, '_fsdp_state_hook', "dict(type='LocalShardBytesHook')")
    assert_ok(dist_train(config, tmp_path / 'work', mnist_root, 1, port=29661))
    demo = arch_memory('demo', 32, decoder=dict(decoder_embed_dim=64, decoder_depth=2, decoder_num_heads=4))
    planned = per_gpu_bytes(demo, 'full_shard', gpus=2, batch=0)['state']
    for rank in (0, 1):
        held = torch.load(tmp_path / 'work' / f'shard_bytes_rank{rank}.pt')
        measured = 2 * held['params'] + held['moments']  # weights and gradients (as large), moments
        assert abs(measured - planned) / planned < 0.02, (rank, measured, planned)  # FSDP's padding


MEMORY = ArchMemory('x', params=10**9, block_params=25 * 10**6, kept_per_image=100 * 2**20,
                    autocast_weights=2 * 10**9)


def test_state_is_divided_by_the_shards():
    ddp = per_gpu_bytes(MEMORY, 'ddp', 64, 0)
    assert ddp['state'] == STATE_BYTES * 10**9 and ddp == per_gpu_bytes(MEMORY, 'ddp', 8, 0)
    assert per_gpu_bytes(MEMORY, 'full_shard', 16, 0)['state'] == STATE_BYTES * 10**9 / 16
    assert per_gpu_bytes(MEMORY, 'hybrid_shard', 64, 0)['state'] == STATE_BYTES * 10**9 / 8
    grad_op = per_gpu_bytes(MEMORY, 'shard_grad_op', 16, 0)
    assert grad_op['weights'] - per_gpu_bytes(MEMORY, 'full_shard', 16, 0)['weights'] == 2 * 10**9


@pytest.mark.parametrize('strategy', ['ddp', 'full_shard', 'shard_grad_op', 'hybrid_shard'])
def test_largest_batch_is_the_last_that_fits(strategy):
    budget = 80e9
    batch = largest_batch(MEMORY, strategy, 16, budget)
    assert batch > 0
    assert per_gpu_bytes(MEMORY, strategy, 16, batch)['total'] <= 0.9 * budget
    assert per_gpu_bytes(MEMORY, strategy, 16, batch + 1)['total'] > 0.9 * budget
    with pytest.raises(ValueError, match='strategy must be one of'):
        per_gpu_bytes(MEMORY, 'zero3', 16, 1)


def test_the_tool_prints_a_row_per_arch_strategy_and_gpu_count(capsys):
    load_tool('analysis_tools/memory_plan').main(['--archs', 'demo', '--gpus', '8', '64', '--img-size', '32'])
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith('| demo |')]
    assert len(rows) == 1 + 3 * 2  # DDP once, each FSDP strategy at 8 and 64 GPUs
