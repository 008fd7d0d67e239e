"""Packaging the OpenMMLab way: the sdist and the wheel carry configs/, tools/ and model-index.yml
(in the wheel as mmmae/.mim/), the wheel installs beside the pinned stack, and `mim train / test /
run mmmae ...` find the configs and tools there.

mim (like MMEngine's package lookups) looks in ``<location>/mmmae/.mim``, where ``<location>`` is
the folder holding mmmae's installed metadata. For pip's editable install that is .venv's
site-packages, which has no mmmae/ folder (an import hook maps ``mmmae`` to the checkout), so the
mim tests run from a fresh venv with the built wheel installed, as a user of the package would.
"""
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path
from typing import List

import pytest
from conftest import ROOT

import mmmae
from mmmae.engine import load_checkpoint_file

DEMO = 'mae_vit-demo-p4_1xb64-coslr-20e_mnist5k.py'
FINETUNE = 'configs/mae/benchmarks/vit-demo-p4_mae-pre_1xb64-coslr-20e_mnist5k.py'
MIM_ITEMS = ('configs', 'tools', 'model-index.yml')
# test and optional requirements the wheel's venv must run without (requirements/runtime.txt and
# the OpenMMLab stack are all an installed mmmae may count on)
NOT_RUNTIME = ('skimage', 'timm', 'transformers', 'mlxtend')


def run(cmd: list, cwd: Path, timeout: int = 300) -> subprocess.CompletedProcess:
    """Run ``cmd`` without PYTHONPATH (it could put the checkout's mmmae first); fail with its output."""
    env = {k: v for k, v in os.environ.items() if k not in ('PYTHONPATH', 'PYTHONHOME')}
    proc = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout)
    assert proc.returncode == 0, (f'{" ".join(map(str, cmd))} exited {proc.returncode}\n'
                                  f'stdout:\n{proc.stdout[-4000:]}\nstderr:\n{proc.stderr[-4000:]}')
    return proc


def copy_source_tree(dest: Path) -> Path:
    """The files git would see in this checkout (tracked and new, nothing ignored), copied to
    ``dest``, so that building leaves nothing (mmmae.egg-info, build/) in the checkout."""
    try:
        listed = subprocess.run(['git', 'ls-files', '-z', '--cached', '--others', '--exclude-standard'],
                                cwd=ROOT, capture_output=True, check=True).stdout.decode()
    except (OSError, subprocess.CalledProcessError):  # not a git checkout
        shutil.copytree(ROOT, dest, symlinks=True, ignore=shutil.ignore_patterns(
            '.git', '.venv', 'data', 'work_dirs', 'build', 'dist', '*.egg-info', '.mim',
            '__pycache__', '.*_cache'))
        return dest
    for rel in filter(None, listed.split('\0')):
        src = ROOT / rel
        if src.is_file():  # tracked files deleted in the work tree are listed too
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)
    return dest


@pytest.fixture(scope='module')
def dists(tmp_path_factory):
    """(source tree, sdist, wheel): ``python -m build`` (sdist, then the wheel from the sdist).

    Without isolation: the build uses .venv's pinned setuptools instead of downloading one,
    and without the dependency check, since setuptools >= 70.1 builds wheels without the
    ``wheel`` package that pyproject.toml names."""
    tmp = tmp_path_factory.mktemp('build')
    src = copy_source_tree(tmp / 'src')
    run([sys.executable, '-m', 'build', '--no-isolation', '--skip-dependency-check',
         '--outdir', tmp / 'dist', src], cwd=tmp)
    (sdist,), (wheel,) = (tmp / 'dist').glob('*.tar.gz'), (tmp / 'dist').glob('*.whl')
    return src, sdist, wheel


def runtime_view(sites: List[str], view: Path) -> Path:
    """A folder of links to everything in ``sites`` but the packages of ``NOT_RUNTIME`` (and
    their metadata): the pinned stack as a user who installed only the requirements has it."""
    view.mkdir()
    for site in sites:
        for entry in Path(site).iterdir():
            name = entry.name.split('-')[0].lower()
            dist = {'scikit_image': 'skimage'}.get(name, name)
            if dist not in NOT_RUNTIME and not (view / entry.name).exists():
                (view / entry.name).symlink_to(entry)
    return view


class WheelVenv:
    """A fresh venv with the wheel installed; the pinned stack, less the test and optional
    requirements (``NOT_RUNTIME``), is reached through a .pth file."""

    def __init__(self, root: Path, wheel: Path):
        self.python = root / 'bin' / 'python'
        run([sys.executable, '-m', 'venv', '--without-pip', root], cwd=root.parent)
        # .venv's pip installs into the new venv (before the .pth exists, so it sees no other mmmae)
        run([sys.executable, '-m', 'pip', '--python', self.python, 'install', '--no-deps', '--no-index',
             '--disable-pip-version-check', wheel], cwd=root.parent)
        self.site = Path(run([self.python, '-c', 'import sysconfig; print(sysconfig.get_paths()["purelib"])'],
                             cwd=root.parent).stdout.strip())
        # a plain path entry: the .pth files in .venv's site-packages (the editable mmmae's import
        # hook among them) are not run, and this venv's own site-packages comes first
        pinned = list(dict.fromkeys(sysconfig.get_paths()[k] for k in ('purelib', 'platlib')))
        view = runtime_view(pinned, root.parent / 'runtime-stack')
        (self.site / 'pinned_stack.pth').write_text(f'{view}\n')
        self.mim_dir = self.site / 'mmmae' / '.mim'

    def mim(self, *args, cwd: Path) -> subprocess.CompletedProcess:
        return run([self.python, '-m', 'mim', *args], cwd=cwd)


@pytest.fixture(scope='module')
def venv(dists, tmp_path_factory) -> WheelVenv:
    return WheelVenv(tmp_path_factory.mktemp('wheel-venv') / 'venv', dists[2])


@pytest.fixture(scope='module')
def mim_trained(venv, mnist_root, tmp_path_factory):
    """`mim train mmmae` on the demo config: one epoch of 4 iterations on 256 digits."""
    cwd = tmp_path_factory.mktemp('mim')  # configs/mae/... does not exist here: mim searches the package
    proc = venv.mim('train', 'mmmae', f'configs/mae/{DEMO}', '--work-dir', 'tmp', '--cfg-options',
                    f'train_dataloader.dataset.data_root={mnist_root}',
                    'train_dataloader.dataset.indices=256', 'train_dataloader.num_workers=0',
                    'train_dataloader.persistent_workers=False', 'train_cfg.max_epochs=1',
                    'default_hooks.checkpoint.interval=1', cwd=cwd)
    return cwd, proc


def test_sdist_and_wheel_carry_configs_tools_and_model_index(dists):
    src, sdist, wheel = dists
    assert wheel.name == f'mmmae-{mmmae.__version__}-py3-none-any.whl'
    names = set(zipfile.ZipFile(wheel).namelist())
    for rel in ('model-index.yml', 'tools/train.py', 'tools/test.py', 'tools/model_zoo.py',
                'tools/analysis_tools/get_flops.py', 'tools/dist_train.sh', f'configs/mae/{DEMO}',
                'configs/mae/metafile.yml', 'configs/mae/benchmarks/metafile.yml',
                'configs/_base_/default_runtime.py'):
        assert f'mmmae/.mim/{rel}' in names, rel
    # every config, metafile, README and tool of the tree, except the checkout's environment builder
    shipped = {f'mmmae/.mim/{p.relative_to(src)}' for item in MIM_ITEMS
               for p in ([src / item] if (src / item).is_file() else (src / item).rglob('*'))
               if p.is_file() and p.name != 'setup_env.py'}
    assert shipped <= names, sorted(shipped - names)
    assert 'mmmae/.mim/tools/setup_env.py' not in names
    assert 'mmmae/registry.py' in names and 'mmmae/models/backbones/__init__.py' in names
    assert not [n for n in names if '__pycache__' in n or n.startswith(('tests/', 'tools/', 'configs/'))]

    with tarfile.open(sdist) as tar:
        top = f'mmmae-{mmmae.__version__}/'
        in_sdist = {n[len(top):] for n in tar.getnames()}
    for rel in ('setup.py', 'MANIFEST.in', 'README.md', 'model-index.yml', 'requirements/runtime.txt',
                'requirements/mminstall.txt', f'configs/mae/{DEMO}', 'tools/train.py', 'mmmae/__init__.py'):
        assert rel in in_sdist, rel
    assert not [n for n in in_sdist if '.mim' in n or n.startswith('tests/') or '__pycache__' in n]


def test_the_wheel_installs_beside_the_pinned_stack(venv, tmp_path):
    script = f'''
import json, os
import importlib.util
import mmmae, torch
from mmengine.config import Config
from mmengine.utils import get_installed_path as mmengine_path
from mim.utils import get_installed_path as mim_path
from mmmae.registry import MODELS
from mmmae.utils import register_all_modules
mim_dir = os.path.join(os.path.dirname(mmmae.__file__), '.mim')
pre = Config.fromfile(os.path.join(mim_dir, 'configs', 'mae', {DEMO!r}))
ft = Config.fromfile(os.path.join(mim_dir, {FINETUNE!r}))
register_all_modules()
model = MODELS.build(pre.model)
print(json.dumps(dict(
    version=mmmae.__version__, file=mmmae.__file__, torch=torch.__file__, mim=mim_path('mmmae'),
    mmengine=mmengine_path('mmmae'), pre=pre.pretty_text, ft=ft.pretty_text,
    absent=[n for n in {NOT_RUNTIME!r} if importlib.util.find_spec(n) is None],
    filenames=[pre.filename, ft.filename], model=type(model).__module__,
    model_file=__import__('sys').modules[type(model).__module__].__file__)))
'''
    out = json.loads(run([venv.python, '-c', script], cwd=tmp_path).stdout.strip().splitlines()[-1])
    assert out['version'] == mmmae.__version__
    package = venv.site / 'mmmae'
    assert Path(out['file']) == package / '__init__.py', 'the editable mmmae shadows the wheel'
    assert Path(out['model_file']).is_relative_to(package) and out['model'].startswith('mmmae.')
    assert Path(out['torch']).resolve().is_relative_to(sysconfig.get_paths()['purelib'])  # pinned
    assert out['absent'] == list(NOT_RUNTIME)  # registered and built without them
    # where mim and MMEngine look for the package's configs and tools
    assert Path(out['mim']) == Path(out['mmengine']) == package
    assert all(Path(f).is_relative_to(venv.mim_dir / 'configs') for f in out['filenames'])
    # the _base_ chains resolve inside the installed package to what the checkout's configs give
    from mmengine.config import Config
    assert out['pre'] == Config.fromfile(ROOT / 'configs' / 'mae' / DEMO).pretty_text
    assert out['ft'] == Config.fromfile(ROOT / FINETUNE).pretty_text


def test_mim_train_finds_the_config_and_train_py_in_the_package(venv, mim_trained):
    cwd, proc = mim_trained
    assert f'will use {venv.mim_dir / "configs" / "mae" / DEMO} instead' in proc.stdout
    assert f'Training command is {venv.python} {venv.mim_dir / "tools" / "train.py"} ' in proc.stdout
    checkpoint = load_checkpoint_file(cwd / 'tmp' / 'epoch_1.pth')
    assert checkpoint['meta']['epoch'] == 1 and checkpoint['meta']['iter'] == 4
    assert (cwd / 'tmp' / 'last_checkpoint').read_text().strip().endswith('epoch_1.pth')


def test_mim_test_evaluates_the_checkpoint(venv, mim_trained, mnist_root):
    cwd, _ = mim_trained
    proc = venv.mim('test', 'mmmae', DEMO, '--checkpoint', cwd / 'tmp' / 'epoch_1.pth',
                    '--work-dir', 'tmp_test', '--out', 'metrics.json', '--cfg-options',
                    f'test_dataloader.dataset.data_root={mnist_root}', 'test_dataloader.dataset.indices=100',
                    'test_dataloader.num_workers=0', cwd=cwd)
    assert f'Testing command is {venv.python} {venv.mim_dir / "tools" / "test.py"} ' in proc.stdout
    loss = json.loads((cwd / 'metrics.json').read_text())['mae/reconstruction_loss']
    assert 0 < loss < 10  # held-out masked-patch MSE of 100 test digits after 4 iterations


def test_mim_run_finds_the_tools(venv, tmp_path):
    # mim answers `--help` itself and refuses codebases outside its own list of OpenMMLab ones;
    # after `--` the flag goes to the script
    proc = venv.mim('run', 'mmmae', 'get_flops', '--', '--help', cwd=tmp_path)
    assert f'Use the script {venv.mim_dir / "tools" / "analysis_tools" / "get_flops.py"}' in proc.stdout
    assert 'usage: get_flops.py' in proc.stdout
    # the model-zoo check on the installed copy: model-index.yml, metafiles, configs and READMEs
    proc = venv.mim('run', 'mmmae', 'model_zoo', 'check', cwd=tmp_path)
    assert f'Use the script {venv.mim_dir / "tools" / "model_zoo.py"}' in proc.stdout
    assert 'model zoo is consistent' in proc.stdout


def test_editable_installs_link_the_checkout(tmp_path):
    spec = importlib.util.spec_from_file_location('mmmae_setup', ROOT / 'setup.py')
    setup_py = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(setup_py)  # not __main__: defines the helpers, does not call setup()
    for _ in range(2):  # a second install keeps the links
        setup_py.link_mim_items(tmp_path / 'mmmae' / '.mim')
        for name in MIM_ITEMS:
            link = tmp_path / 'mmmae' / '.mim' / name
            assert link.is_symlink() and link.resolve() == ROOT / name
    # what `pip install -e .` (make setup) made in the checkout: edits show through
    for name in MIM_ITEMS:
        link = ROOT / 'mmmae' / '.mim' / name
        assert link.is_symlink() and link.resolve() == ROOT / name, \
            f'{link} is not a link to {ROOT / name}: run `make setup` (pip install -e .)'
