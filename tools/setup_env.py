#!/usr/bin/env python3
"""Create or update the project-local virtual environment ``.venv/``.

Installs the pinned stack from ``requirements/``, builds mmcv 2.1.0 from source
with its compiled ops (once per machine, then reused from a wheel cache),
installs mmmae in editable mode and checks that the whole stack imports.

Idempotent: when nothing in ``requirements/``, ``setup.py`` or this script has
changed since the last successful run, it only checks the stamp and exits.

Usage: python3 tools/setup_env.py [--venv .venv] [--force]
Environment:
  MMCV_CUDA=1|0   build mmcv's CUDA ops (default: only when a GPU and nvcc are present)
  MMMAE_CACHE     where built mmcv wheels are kept (default ~/.cache/mmmae)
"""
from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REQ_DIR = ROOT / 'requirements'
REQ_FILES = ['runtime.txt', 'mminstall.txt', 'optional.txt', 'tests.txt', 'docs.txt']
NO_DEPS_FILE = 'nodeps.txt'  # installed with --no-deps (see the file)
MMCV_VERSION = '2.1.0'
SUPPORTED_PYTHON = ((3, 10), (3, 12))
IMPORT_CHECK = 'import mmmae, mmpretrain.models, mmdet.models, mmseg.models, mmcv.ops'


class SetupError(RuntimeError):
    """A failed setup step, with the fix to try."""

    def __init__(self, step: str, problem: str, fix: str):
        super().__init__(f'[setup] step "{step}" failed: {problem}\n[setup] fix: {fix}')


def log(msg: str) -> None:
    print(f'[setup] {msg}', flush=True)


def run(step: str, cmd: list[str], fix: str, env: dict | None = None,
        quiet: bool = False) -> str:
    """Run ``cmd``; raise SetupError naming ``step`` and ``fix`` on failure."""
    log(f'{step}: {" ".join(cmd)}' if not quiet else step)
    proc = subprocess.run(cmd, env=env, text=True, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT)
    if proc.returncode != 0:
        tail = '\n'.join(proc.stdout.strip().splitlines()[-25:])
        print(tail, file=sys.stderr)
        raise SetupError(step, f'exit code {proc.returncode} (last lines above)', fix)
    return proc.stdout


def fingerprint() -> str:
    h = hashlib.sha256()
    for path in [*(REQ_DIR / f for f in [*REQ_FILES, NO_DEPS_FILE]), ROOT / 'setup.py',
                 Path(__file__)]:
        h.update(path.read_bytes())
    h.update(sys.version.encode())
    return h.hexdigest()


def venv_python(venv: Path) -> Path:
    return venv / 'bin' / 'python'


def ensure_venv(venv: Path) -> Path:
    if sys.version_info[:2] < SUPPORTED_PYTHON[0] or sys.version_info[:2] > SUPPORTED_PYTHON[1]:
        raise SetupError(
            'python version', f'Python {sys.version.split()[0]} is not supported',
            'run with Python 3.10, 3.11 or 3.12, e.g. `make demo PYTHON=python3.11`')
    py = venv_python(venv)
    if py.exists():
        return py
    log(f'creating virtual environment {venv}')
    run('create venv', [sys.executable, '-m', 'venv', str(venv)],
        'install the venv module (Debian: apt-get install python3-venv) or pass PYTHON=...')
    run('upgrade pip', [str(py), '-m', 'pip', 'install', '-q', '--upgrade', 'pip'],
        'check that the package index is reachable (pip config list)')
    return py


def pip_install(py: Path, args: list[str], step: str) -> None:
    run(step, [str(py), '-m', 'pip', 'install', '--progress-bar', 'off', *args],
        'read the pip error above; check the package index (pip config list) and free disk')


def installed_version(py: Path, dist: str) -> str | None:
    out = subprocess.run(
        [str(py), '-c', f'import importlib.metadata as m; print(m.version("{dist}"))'],
        text=True, capture_output=True)
    return out.stdout.strip() if out.returncode == 0 else None


def want_cuda_ops(py: Path) -> bool:
    if os.environ.get('MMCV_CUDA') in ('0', '1'):
        return os.environ['MMCV_CUDA'] == '1'
    has_nvcc = shutil.which('nvcc') is not None or bool(os.environ.get('CUDA_HOME'))
    gpu_check = 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)'
    has_gpu = subprocess.run([str(py), '-c', gpu_check],
                             capture_output=True).returncode == 0
    return has_nvcc and has_gpu


def mmcv_build_tag(py: Path, cuda: bool) -> str:
    torch_v = installed_version(py, 'torch')
    tag_code = 'import sys; print(f"cp{sys.version_info[0]}{sys.version_info[1]}")'
    pyv = subprocess.run([str(py), '-c', tag_code],
                         text=True, capture_output=True).stdout.strip()
    return f'mmcv-{MMCV_VERSION}_torch-{torch_v}_{pyv}_{"cuda" if cuda else "cpu"}'


def mmcv_ok(py: Path, tag: str, marker: Path) -> bool:
    if installed_version(py, 'mmcv') != MMCV_VERSION:
        return False
    if not marker.exists() or marker.read_text().strip() != tag:
        return False
    return subprocess.run([str(py), '-c', 'import mmcv.ops'], capture_output=True).returncode == 0


def build_mmcv_wheel(py: Path, cuda: bool, dest: Path) -> Path:
    """Build mmcv from its sdist with compiled ops; return the wheel path."""
    with tempfile.TemporaryDirectory(prefix='mmcv-build-') as tmp:
        tmp = Path(tmp)
        # mmcv's setup.py imports pkg_resources: build with an old setuptools, no isolation.
        pip_install(py, ['-q', 'setuptools<70', 'wheel', 'ninja'], 'build tools for mmcv')
        run('download mmcv source',
            [str(py), '-m', 'pip', 'download', '--no-deps', '--no-binary', ':all:',
             '--no-build-isolation', '-d', str(tmp), f'mmcv=={MMCV_VERSION}'],
            'check that the package index serves the mmcv sdist (pip download mmcv==2.1.0)')
        sdist = next(tmp.glob('mmcv-*.tar.gz'))
        with tarfile.open(sdist) as tar:
            safe = {'filter': 'data'} if hasattr(tarfile, 'data_filter') else {}
            tar.extractall(tmp, **safe)
        src = tmp / f'mmcv-{MMCV_VERSION}'
        setup_py = src / 'setup.py'
        # torch >= 2.14 headers require C++20; mmcv 2.1.0 hard-codes -std=c++17.
        text = setup_py.read_text()
        setup_py.write_text(text.replace('-std=c++17', '-std=c++20'))
        log('patched mmcv setup.py: -std=c++17 -> -std=c++20 (torch >= 2.14 headers need C++20)')
        env = dict(os.environ, MMCV_WITH_OPS='1', FORCE_CUDA='1' if cuda else '0',
                   MAX_JOBS=os.environ.get('MAX_JOBS', str(os.cpu_count() or 2)))
        if not cuda:
            env['CUDA_VISIBLE_DEVICES'] = ''
        log(f'building mmcv {MMCV_VERSION} with {"CUDA" if cuda else "CPU"} ops '
            f'(MAX_JOBS={env["MAX_JOBS"]}); this takes about 10 minutes on 2 cores ...')
        t0 = time.time()
        wheel_dir = tmp / 'wheels'
        run('build mmcv', [str(py), '-m', 'pip', 'wheel', '--no-build-isolation', '--no-deps',
                           '-w', str(wheel_dir), str(src)],
            'a C++ compiler (gcc/g++ >= 10) and Python headers are needed; '
            'set MMCV_CUDA=0 to skip CUDA ops', env=env, quiet=True)
        log(f'mmcv built in {time.time() - t0:.0f} s')
        built = next(wheel_dir.glob('mmcv-*.whl'))
        dest.mkdir(parents=True, exist_ok=True)
        final = dest / built.name
        shutil.copy2(built, final.with_suffix('.tmp'))
        os.replace(final.with_suffix('.tmp'), final)
    # torch pins setuptools>=77 and mmengine needs pkg_resources (< 81): restore requirements/.
    pip_install(py, ['-q', '-r', str(REQ_DIR / 'runtime.txt')], 'restore setuptools')
    return final


def ensure_mmcv(py: Path, venv: Path) -> None:
    cuda = want_cuda_ops(py)
    tag = mmcv_build_tag(py, cuda)
    marker = venv / '.mmcv-build'
    if mmcv_ok(py, tag, marker):
        log(f'mmcv {MMCV_VERSION} already installed ({tag})')
        return
    cache = Path(os.environ.get('MMMAE_CACHE', Path.home() / '.cache' / 'mmmae')) / tag
    wheels = sorted(cache.glob('mmcv-*.whl')) if cache.exists() else []
    if wheels:
        log(f'reusing cached mmcv wheel {wheels[-1]}')
        wheel = wheels[-1]
    else:
        wheel = build_mmcv_wheel(py, cuda, cache)
    pip_install(py, ['--no-deps', '--force-reinstall', str(wheel)], 'install mmcv wheel')
    marker.write_text(tag + '\n')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--venv', default=str(ROOT / '.venv'), help='virtual environment path')
    parser.add_argument('--force', action='store_true', help='re-run every step')
    args = parser.parse_args()
    venv = Path(args.venv)
    stamp = venv / '.mmmae-setup-stamp'
    try:
        py = ensure_venv(venv)
        if not args.force and stamp.exists() and stamp.read_text().strip() == fingerprint():
            log(f'environment {venv} is up to date')
            return 0
        t0 = time.time()
        # mmcv is built separately below; install everything else first (torch included).
        no_mmcv = venv / '.requirements-without-mmcv.txt'
        no_mmcv.write_text(''.join(
            line for f in REQ_FILES for line in (REQ_DIR / f).read_text().splitlines(True)
            if not re.match(r'\s*mmcv\b', line)))
        pip_install(py, ['-r', str(no_mmcv)], 'install pinned requirements')
        pip_install(py, ['--no-deps', '-r', str(REQ_DIR / NO_DEPS_FILE)],
                    'install requirements without their dependencies')
        ensure_mmcv(py, venv)
        pip_install(py, ['--no-deps', '--no-build-isolation', '-e', str(ROOT)], 'install mmmae (editable)')
        run('import check', [str(py), '-c', IMPORT_CHECK],
            'read the import error above; `python tools/setup_env.py --force` reinstalls everything')
        stamp.write_text(fingerprint() + '\n')
        log(f'environment ready in {time.time() - t0:.0f} s: {venv}')
    except SetupError as err:
        print(err, file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
