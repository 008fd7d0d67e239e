"""benchmark_pretrain.py runs every peer a few steps and reports; a smoke test, no timing asserted."""
import json
import shutil

import pytest
import torch
from conftest import load_tool

from mmmae.benchmark import measure, step
from mmmae.benchmark.peers import ROOT, peers
from mmmae.datasets import write_photo_folder
from mmmae.engine import cpu_has_native_bf16
from mmmae.models.layers import attention

benchmark_pretrain = load_tool('analysis_tools/benchmark_pretrain')

TINY = ['--arch', 'demo', '--img-size', '16', '--batch', '2', '--rounds', '1', '--steps', '1',
        '--device', 'cpu', '--threads', '1']


def test_three_peers_time_the_same_step_with_their_own_optimizers(capsys):
    results = benchmark_pretrain.main([*TINY, '--amp', 'bf16'])
    assert set(results) == {'mmmae', 'mmpretrain', 'official-style'}
    assert all(r['img_per_s'] > 0 and r['peak_mib'] > 0 and r['tflops'] > 0 and r['mfu'] is None
               and r['compile_s'] is None for r in results.values())
    assert results['mmmae']['optimizer'] == 'AdamW fused'  # from mmmae's pretraining schedule
    assert results['mmpretrain']['optimizer'] == results['official-style']['optimizer'] == 'AdamW'
    out = capsys.readouterr().out
    assert 'amp bf16, eager' in out and 'TFLOP/step' in out and 'not RSS' in out
    assert 'mmmae CPU half-precision attention fp32' in out
    assert 'mmmae / mmpretrain:' in out and 'mmmae / official-style:' in out


def test_json_option_appends_one_line_per_run(tmp_path):
    out = tmp_path / 'runs.jsonl'
    for amp in ('off', 'bf16'):
        benchmark_pretrain.main([*TINY, '--amp', amp, '--peers', 'mmmae', '--json', str(out)])
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r['argv'][-1] for r in records] == [str(out)] * 2
    assert [r['results']['mmmae']['amp'] for r in records] == ['off', 'bf16']
    assert records[0]['device'] == 'cpu (1 threads)' and records[0]['torch'] == torch.__version__


def test_measured_matmul_peak_gives_mfu_on_a_cpu(capsys, monkeypatch):
    measured = []
    real = measure.matmul_tflops
    monkeypatch.setattr(measure, 'matmul_tflops',
                        lambda device, amp: measured.append(amp) or real(device, amp, size=256))
    results = benchmark_pretrain.main([*TINY, '--amp', 'off', '--peak-tflops', 'measure',
                                       '--peers', 'mmmae', 'mmpretrain'])
    assert measured == ['off']  # one measurement per precision, shared by the peers
    peak = results['mmmae']['peak_tflops']
    assert peak > 0 and results['mmpretrain']['peak_tflops'] == peak
    for result in results.values():
        assert result['mfu'] == pytest.approx(result['tflops'] / peak) == result['mfu_measured']
        assert result['measured_tflops'] == peak
    assert 'measured matmul rate: off' in capsys.readouterr().out


@pytest.mark.parametrize('choice', ['fp32', 'native'])
def test_cpu_half_attention_option_picks_mmmaes_attention_kernel(choice, capsys, monkeypatch):
    kernels = []
    real = torch.nn.functional.scaled_dot_product_attention
    monkeypatch.setattr(torch.nn.functional, 'scaled_dot_product_attention',
                        lambda q, *a, **kw: kernels.append(q.dtype) or real(q, *a, **kw))
    fp32_kernel = attention._CpuFp32FlashAttention
    monkeypatch.setattr(fp32_kernel, 'apply', lambda *qkv, real=fp32_kernel.apply:
                        kernels.append('fp32 kernel') or real(*qkv))
    benchmark_pretrain.main([*TINY, '--amp', 'bf16', '--peers', 'mmmae', '--cpu-half-attention', choice])
    assert f'mmmae CPU half-precision attention {choice}' in capsys.readouterr().out
    assert ('fp32 kernel' in kernels) == (choice == 'fp32')  # fp32: every call upcast
    assert (torch.bfloat16 in kernels) == (choice == 'native')


def test_selective_cp_keeps_less_for_backward_and_memory_only_runs_no_step(capsys, monkeypatch):
    monkeypatch.setattr(step, 'make_step', lambda *a: pytest.fail('a step ran'))
    memory = ['--arch', 'demo', '--img-size', '16', '--batch', '2', '--device', 'cpu',
              '--memory-only', '--peers', 'mmmae', 'mmpretrain']
    plain = benchmark_pretrain.main(memory)
    selective = benchmark_pretrain.main([*memory, '--selective-cp'])
    out = capsys.readouterr().out
    assert 'MAE pretraining memory' in out and 'mmmae / mmpretrain: kept for backward' in out
    assert selective['mmmae']['kept_mib'] < 0.8 * plain['mmmae']['kept_mib']
    assert selective['mmpretrain'] == plain['mmpretrain']  # the option is mmmae's alone
    model = peers('demo', 16)['mmmae']()[0]
    params = sum(p.numel() for p in model.parameters())  # float32
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    buffers = sum(b.numel() * b.element_size() for b in model.buffers())
    # weights, and for the trainable ones a gradient and AdamW's two moments
    assert plain['mmmae']['state_mib'] * 2**20 == 4 * params + 12 * trainable + buffers


def test_selective_cp_peer_and_profile_report_against_plain_mmmae(capsys):
    results = benchmark_pretrain.main([*TINY, '--peers', 'mmmae', 'mmmae-selective-cp',
                                       '--profile', '4'])
    assert results['mmmae-selective-cp']['kept_mib'] < 0.8 * results['mmmae']['kept_mib']
    assert results['mmmae']['flops_per_step'] == results['mmmae-selective-cp']['flops_per_step']
    for result in results.values():
        kernels = result['top_kernels']
        assert len(kernels) == 4 and all(k['ms'] > 0 and 0 < k['share'] <= 1 for k in kernels)
        assert [k['ms'] for k in kernels] == sorted((k['ms'] for k in kernels), reverse=True)
    out = capsys.readouterr().out
    assert 'mmmae / mmmae-selective-cp: throughput' in out and 'mmmae top kernel:' in out


def test_config_mode_times_mmmae_at_the_configs_batch_and_memory_options(tmp_path, capsys):
    demo = ROOT / 'configs/mae/mae_vit-demo-p4_1xb64-coslr-20e_mnist5k.py'
    config = tmp_path / 'selective.py'
    config.write_text(f"_base_ = '{demo}'\n"
                      "model = dict(backbone=dict(selective_cp=True), neck=dict(selective_cp=True))\n"
                      "train_dataloader = dict(batch_size=3)\n")
    run = ['--amp', 'configured', '--rounds', '1', '--steps', '1', '--device', 'cpu']
    results = benchmark_pretrain.main(['--config', str(config), *run])
    plain = benchmark_pretrain.main(['--config', str(demo), '--batch', '3', *run])
    assert set(results) == {'mmmae'} and results['mmmae']['amp'] == 'off'  # the demo trains in fp32
    assert results['mmmae']['flops_per_step'] == plain['mmmae']['flops_per_step']
    assert results['mmmae']['kept_mib'] < 0.8 * plain['mmmae']['kept_mib']  # selective_cp is on
    assert f'config {config}, 32px, batch 3' in capsys.readouterr().out


@pytest.mark.parametrize('text', ['0', '-3', 'fast'])
def test_peak_option_refuses_what_is_not_a_peak(text):
    with pytest.raises(SystemExit):
        benchmark_pretrain.main([*TINY, '--peak-tflops', text])


def test_compile_compiles_each_loss_and_reports_the_compile_time(capsys, monkeypatch):
    compiled = []
    # the compiler itself is exercised by tests/tools/test_train_compile.py (a minute here)
    monkeypatch.setattr(torch, 'compile', lambda fn: compiled.append(fn) or fn)
    results = benchmark_pretrain.main([*TINY, '--compile', '--peers', 'mmmae', 'mmpretrain',
                                       '--same-optimizer', '--amp', 'configured', '--with-cp'])
    assert len(compiled) == 2 and results['mmmae']['optimizer'] == 'AdamW'
    # as tools/train.py runs the configs here: mmmae bf16 where the CPU has it, MMPretrain fp32
    assert results['mmmae']['amp'] == ('bf16' if cpu_has_native_bf16() else 'off')
    assert results['mmpretrain']['amp'] == 'off'
    assert results['mmmae']['compile_s'] is not None
    out = capsys.readouterr().out
    assert 'compiled, mmmae with_cp' in out and 'compile (first step minus a median step): mmmae' in out


def test_data_mode_times_the_three_input_pipelines(tmp_path, capsys):
    photos = write_photo_folder(tmp_path / 'photos')
    folder = tmp_path / 'few'
    folder.mkdir()
    for name in ('objects/coffee.jpg', 'animals/chelsea.png', 'textures/grass.webp'):
        shutil.copy(photos / name, folder / name.split('/')[-1])
    results = benchmark_pretrain.main(['--pipeline-folder', str(folder), '--as-jpeg', '--rounds', '1',
                                       '--device', 'cpu'])
    assert set(results) == {'mmmae', 'mmmae-crop-decode', 'mmmae-shards', 'mmpretrain', 'gpu-decode',
                            'gpu-decode-loader'}
    assert all(r['img_per_s'] > 0 for r in results.values())
    out = capsys.readouterr().out
    assert '3 files (.jpg)' in out and 'mmmae / gpu-decode:' in out


def test_recipe_mode_times_each_recipe_and_weights_progressive_stages(capsys):
    results = benchmark_pretrain.main(['--arch', 'demo', '--img-size', '32', '--batch', '4',
                                       '--rounds', '1', '--steps', '1', '--device', 'cpu',
                                       '--recipe', 'crossmae', 'progressive'])
    assert list(results) == ['standard', 'crossmae', 'progressive']  # the reference first
    assert results['progressive']['sizes'] == [24, 28, 32]  # FastSSL's 160/192/224 of 224
    assert results['progressive']['shares'] == [0.25, 0.25, 0.5]
    assert results['standard']['speedup'] == results['standard']['flops_ratio'] == 1.0
    # both recipes do less work per step: CrossMAE decodes 16 of 64 patches, the stages fewer patches
    assert results['crossmae']['flops_ratio'] > 1.2 and results['progressive']['flops_ratio'] > 1.1
    assert all(r['step_s'] > 0 for r in results.values())
    assert 'progressive  24/28/32' in capsys.readouterr().out
