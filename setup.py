"""Packaging for mmmae (Masked Autoencoders as an OpenMMLab plugin)."""
import re
from pathlib import Path

from setuptools import find_packages, setup

HERE = Path(__file__).parent


def read_requirements(name: str) -> list:
    lines = (HERE / 'requirements' / name).read_text().splitlines()
    return [ln.split('#')[0].strip() for ln in lines if ln.split('#')[0].strip()]


def read_version() -> str:
    text = (HERE / 'mmmae' / 'version.py').read_text()
    return re.search(r"__version__ = '([^']+)'", text).group(1)


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
    },
    zip_safe=False,
)
