"""Each mmmae package imports on its own, as the first mmmae import of a process (no cycles)."""
import pkgutil
import subprocess
import sys

import pytest

import mmmae

PACKAGES = sorted(f'mmmae.{m.name}' for m in pkgutil.iter_modules(mmmae.__path__) if m.ispkg)


def test_the_packages_are_found():
    assert {'mmmae.apis', 'mmmae.converters', 'mmmae.engine', 'mmmae.visualization'} <= set(PACKAGES)


@pytest.mark.parametrize('package', PACKAGES)
def test_package_imports_first(package):
    proc = subprocess.run([sys.executable, '-c', f'import {package}'], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
