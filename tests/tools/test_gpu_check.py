"""tools/gpu_check.sh: the rehearsal runs every step on the CPU; the parts that keep a failing or
hanging step from losing the others' results; the offline installation."""
import json
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from mmmae.benchmark import gpu_check, offline_install
from mmmae.benchmark.gpu_check import ROOT, Step

STEPS = ['install', 'env', 'step-b', 'step-l', 'memory-h', 'recipes-b', 'data', 'decode', 'train',
         'train-gpu-decode', 'fsdp-g', 'parity', 'compile-b', 'compile-l']


def write_wheel(folder: Path, name: str, version: str) -> Path:
    """A pure-Python wheel of one module ``<name>_probe`` (what pip needs of a wheel, no more)."""
    module, info = f'{name}_probe', f'{name}-{version}.dist-info'
    files = {f'{module}/__init__.py': f'VERSION = {version!r}\n',
             f'{info}/METADATA': f'Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n',
             f'{info}/WHEEL': 'Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\n'
                              'Tag: py3-none-any\n'}
    files[f'{info}/RECORD'] = ''.join(f'{path},,\n' for path in files) + f'{info}/RECORD,,\n'
    wheel = folder / f'{name}-{version}-py3-none-any.whl'
    with zipfile.ZipFile(wheel, 'w') as archive:
        for path, text in files.items():
            archive.writestr(path, text)
    return wheel


@pytest.fixture(scope='module')
def rehearsal(tmp_path_factory):
    """One rehearsal for the module's tests: (report, stdout, out folder, prefix)."""
    base = tmp_path_factory.mktemp('gpu_check')
    wheels = base / 'wheels'
    wheels.mkdir()
    write_wheel(wheels, 'mmmae_gpu_check', '1.0')  # missing here: installed into the prefix
    write_wheel(wheels, 'addict', '2.4.0')  # already installed: left alone
    out, prefix = base / 'out', base / 'site'
    proc = subprocess.run(['bash', 'tools/gpu_check.sh', '--rehearse', '--out', str(out),
                           '--wheels', str(wheels), '--prefix', str(prefix), '--work',
                           str(base / 'work')], cwd=ROOT, capture_output=True, text=True,
                          timeout=900, env={**os.environ, 'PYTHON': sys.executable})
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return json.loads((out / 'gpu_check.json').read_text()), proc.stdout, out, prefix


def test_rehearsal_runs_every_step_on_the_cpu(rehearsal):
    report, stdout, out, _ = rehearsal
    assert list(report['steps']) == STEPS
    failed = {n: s for n, s in report['steps'].items() if s['status'] != 'ok'}
    assert not failed, json.dumps(failed, indent=1)[-3000:]
    steps = {name: step['results'] for name, step in report['steps'].items()}
    for name in ('step-b', 'step-l'):
        assert set(steps[name]) == set(gpu_check.ALL_PEERS)
        assert all(r['img_per_s'] > 0 and r['peak_mib'] > 0 and len(r['top_kernels']) == 15
                   for r in steps[name].values())
    assert steps['compile-b']['mmmae']['compile_s'] is not None
    assert steps['memory-h']['mmmae']['peak_mib'] > 0
    assert set(steps['recipes-b']) == {'standard', 'crossmae', 'progressive'}
    assert steps['recipes-b']['crossmae']['flops_ratio'] > 1
    assert steps['data']['images'] == gpu_check.REHEARSAL.images
    assert steps['decode']['gpu-decode']['img_per_s'] > 0
    for name in ('train', 'train-gpu-decode'):
        assert steps[name]['last_loss'] < steps[name]['first_loss'] and steps[name]['finite']
        assert steps[name]['checkpoint'] == f'epoch_{gpu_check.REHEARSAL.train_epochs}.pth'
    fsdp = steps['fsdp-g']
    assert fsdp['last_loss'] < fsdp['first_loss'] and fsdp['checkpoint'] == 'epoch_2.pth'
    assert fsdp['checkpoint_mib'] > 0 and fsdp['peak_mib'] is None  # no CUDA memory on a CPU
    assert fsdp['arch'] == 'tiny' and fsdp['planned_mib']['total'] > fsdp['planned_mib']['state'] > 0
    # on a CPU every CUDA variant is collected and skipped, none fails
    assert steps['parity']['tests'] == steps['parity']['skipped'] > 10
    assert steps['env']['matmul_dtype'] == 'float32' and steps['env']['matmul_tflops'] > 0
    assert report['total_s'] > 0
    log = (out / 'gpu_check.log').read_text()
    assert all(f'===== {name}' in log for name in STEPS)
    assert 'target' in stdout and 'ViT-B eager throughput / MMPretrain' in stdout


def test_rehearsal_judges_every_target(rehearsal):
    rows = {row['target']: row for row in rehearsal[0]['targets']}
    measured = ['ViT-B eager throughput / MMPretrain', 'ViT-L eager throughput / official-style',
                'ViT-B eager peak memory / MMPretrain, selective_cp', 'GPU decode img/s '
                '(decode + crop + flip, bytes read on one core)']
    for target in measured:
        assert rows[target]['value'] > 0 and rows[target]['met'] in (True, False), target
    # the rehearsal compiles mmmae alone: no compiled ratio, and no datasheet peak for a CPU
    assert rows['ViT-B compiled throughput / MMPretrain']['met'] is None
    assert rows['ViT-B MFU against the datasheet']['met'] is None
    assert rows['ViT-B MFU against the measured matmul rate']['value'] is None


def test_install_adds_only_the_missing_wheels_to_the_prefix(rehearsal):
    report, _, _, prefix = rehearsal
    install = report['steps']['install']['results']
    assert install['installed'] == {'mmmae-gpu-check': '1.0'}
    assert install['already_there'] == {'addict': offline_install.installed_version('addict', sys.path)}
    assert (prefix / 'mmmae_gpu_check_probe' / '__init__.py').is_file()
    assert not (prefix / 'addict_probe').exists()


def test_wheels_are_refused_when_missing_or_doubled(tmp_path):
    with pytest.raises(SystemExit, match='make offline-wheels'):
        offline_install.missing_wheels(tmp_path, sys.path)
    write_wheel(tmp_path, 'mmcv_lite', '2.1.0')
    (tmp_path / 'mmcv_lite-2.2.0-py3-none-any.whl').write_bytes(b'')
    with pytest.raises(SystemExit, match='several wheels of mmcv-lite'):
        offline_install.missing_wheels(tmp_path, sys.path)


def test_a_hanging_step_is_killed_with_its_children_and_recorded(tmp_path):
    script = ('import subprocess, sys, time; '
              'subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"]); '
              'print("started", flush=True); time.sleep(60)')
    start = time.monotonic()
    with open(tmp_path / 'log', 'w') as log:
        record = gpu_check.run_step(Step('hang', 'sleeps', [sys.executable, '-c', script], 60),
                                    3, log)
    assert time.monotonic() - start < 30  # the grandchild holds no pipe open after the kill
    assert record['status'] == 'timeout' and record['output_tail'] == ['started']


def test_a_failing_step_or_reader_names_what_failed(tmp_path):
    with open(tmp_path / 'log', 'w') as log:
        crashed = gpu_check.run_step(Step('crash', 'exits 3', [sys.executable, '-c',
                                                               'print("boom"); exit(3)'], 30), 30, log)

        def unreadable():
            raise RuntimeError('no results')
        unread = gpu_check.run_step(Step('read', 'no results', [sys.executable, '-c', 'pass'],
                                         30, unreadable), 30, log)
    assert crashed['status'] == 'failed' and crashed['error'] == 'exit code 3'
    assert crashed['output_tail'] == ['boom']
    assert unread['status'] == 'failed' and unread['error'] == 'RuntimeError: no results'


@pytest.mark.parametrize('losses, problem', [([1.2, 1.1, 1.15, 1.3], 'the loss did not fall'),
                                             ([1.2, float('nan'), 0.9, 0.8], 'NaN or Inf')])
def test_a_training_that_does_not_learn_fails_its_step(tmp_path, losses, problem):
    log = tmp_path / '20261201_000000' / 'vis_data' / 'scalars.json'
    log.parent.mkdir(parents=True)
    log.write_text(''.join(json.dumps(dict(loss=loss, step=i, time=0.1)) + '\n'
                           for i, loss in enumerate(losses)))
    (tmp_path / 'epoch_4.pth').write_bytes(b'checkpoint')
    with pytest.raises(RuntimeError, match=problem):
        gpu_check.read_training(tmp_path, 4)


def test_help_describes_the_steps_and_a_missing_out_is_refused():
    help_text = subprocess.run(['bash', 'tools/gpu_check.sh', '--help'], cwd=ROOT,
                               capture_output=True, text=True, check=True).stdout
    assert all(name in help_text for name in STEPS) and '--rehearse' in help_text
    assert 'make offline-wheels' in help_text and '8 minutes' in help_text
    assert 'set -uo' not in help_text  # the comment block only, not the script
    proc = subprocess.run(['bash', 'tools/gpu_check.sh'], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 2 and '--out DIR is required' in proc.stderr
