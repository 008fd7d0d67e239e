"""The whole tree passes the lint in pyproject.toml ([tool.ruff]), as pre-commit runs it."""
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_ruff_is_clean_on_the_tree():
    ruff = shutil.which('ruff', path=str(Path(sys.executable).parent)) or shutil.which('ruff')
    assert ruff, 'ruff is missing: it is in requirements/tests.txt (make setup installs it)'
    proc = subprocess.run([ruff, 'check', '--no-cache', str(ROOT)], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)
    assert proc.returncode == 0, f'ruff found problems (fix them or run `ruff check --fix`):\n{proc.stdout}'
