"""Packaging for mmmae (Masked Autoencoders as an OpenMMLab plugin).

Like the OpenMMLab projects, the package carries its configs, tools and model index in
``mmmae/.mim/``, where ``mim train / test / run mmmae ...`` and MMEngine's ``package::``
config lookups look for them:

- a wheel or an sdist install gets copies (``build_py`` copies them into the build tree;
  the checkout is not touched),
- an editable install (``pip install -e .``) gets relative symlinks in the checkout,
  ``mmmae/.mim/configs -> ../../configs`` and so on, so edits show through.

Nothing here imports torch: the package builds in an environment without it.
"""
import os
import re
import shutil
from pathlib import Path

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
# What goes into mmmae/.mim, relative to the repository root.
MIM_ITEMS = ('configs', 'tools', 'model-index.yml')
# Left out of the copies: caches, and the checkout's own environment builder (it makes .venv/
# beside the repository and means nothing inside an installed package).
MIM_IGNORE = shutil.ignore_patterns('__pycache__', '*.pyc', 'setup_env.py')


def read_requirements(name: str) -> list:
    lines = (HERE / 'requirements' / name).read_text().splitlines()
    return [ln.split('#')[0].strip() for ln in lines if ln.split('#')[0].strip()]


def read_version() -> str:
    text = (HERE / 'mmmae' / 'version.py').read_text()
    return re.search(r"__version__ = '([^']+)'", text).group(1)


def _remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.is_dir():
        shutil.rmtree(path)


def copy_mim_items(mim_dir: Path) -> None:
    """Copy configs/, tools/ and model-index.yml into ``mim_dir``, replacing what is there."""
    for name in MIM_ITEMS:
        src, dst = HERE / name, mim_dir / name
        _remove(dst)
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst, ignore=MIM_IGNORE)
        else:
            shutil.copy2(src, dst)


def link_mim_items(mim_dir: Path) -> None:
    """Relative symlinks in ``mim_dir`` to configs/, tools/ and model-index.yml (copies where
    the file system has no symlinks)."""
    mim_dir.mkdir(parents=True, exist_ok=True)
    for name in MIM_ITEMS:
        dst = mim_dir / name
        target = os.path.relpath(HERE / name, mim_dir)
        if dst.is_symlink() and os.readlink(dst) == target:
            continue
        _remove(dst)
        try:
            dst.symlink_to(target, target_is_directory=(HERE / name).is_dir())
        except OSError:
            copy_mim_items(mim_dir)
            return


class BuildPyWithMim(build_py):
    """build_py that also provides mmmae/.mim (copies in the build tree, symlinks when editable)."""

    def run(self):
        super().run()
        if self.editable_mode:
            link_mim_items(HERE / 'mmmae' / '.mim')
        else:
            copy_mim_items(Path(self.build_lib) / 'mmmae' / '.mim')


if __name__ == '__main__':  # setuptools runs this file as __main__; tests import the helpers
    setup(
        name='mmmae',
        version=read_version(),
        description='Masked Autoencoders (MAE) as an OpenMMLab plugin',
        long_description=(HERE / 'README.md').read_text(encoding='utf-8'),
        long_description_content_type='text/markdown',
        license='Apache-2.0',
        python_requires='>=3.10,<3.13',
        packages=find_packages(exclude=('configs', 'tools', 'tests', 'docs')),
        include_package_data=True,
        install_requires=read_requirements('runtime.txt'),
        extras_require={
            'mim': read_requirements('mminstall.txt'),
            'tests': read_requirements('tests.txt'),
            'optional': read_requirements('optional.txt'),
            'docs': read_requirements('docs.txt'),
            'deepspeed': read_requirements('deepspeed.txt'),
        },
        cmdclass={'build_py': BuildPyWithMim},
        zip_safe=False,
    )
