"""Install, without a network, the wheels of a folder that this interpreter lacks.

For a GPU machine that has PyTorch but not the OpenMMLab stack: the wheels ``make
offline-wheels`` downloads are installed with ``pip --no-index --no-deps --target PREFIX``, and
only those whose distribution is not installed yet, so the machine's own torch, numpy and the
rest are never replaced. Standard library only: ``tools/gpu_check.sh`` runs this file by its path
before mmmae's requirements are importable.

    python3 mmmae/benchmark/offline_install.py WHEELS_DIR PREFIX [--record FILE.json]
"""
import argparse
import importlib.metadata
import json
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import List, Optional


def distribution(wheel: Path) -> str:
    """The normalised distribution name of a wheel file (``mmcv_lite-2.1.0-...`` -> mmcv-lite)."""
    return re.sub(r'[-_.]+', '-', wheel.name.split('-')[0]).lower()


def installed_version(name: str, search: List[str]) -> Optional[str]:
    """The version of distribution ``name`` on ``search`` (sys.path entries), or None."""
    found = list(importlib.metadata.distributions(name=name, path=search))
    return found[0].version if found else None


def missing_wheels(folder: Path, search: List[str]) -> List[Path]:
    """The wheels under ``folder`` whose distribution is not installed on ``search``."""
    wheels = sorted(folder.glob('*.whl'))
    if not wheels:
        raise SystemExit(f'no wheels in {folder}: on a machine with PyPI run `make offline-wheels '
                         f'WHEELS={folder}` and bring the folder along')
    names = [distribution(w) for w in wheels]
    doubles = sorted({n for n in names if names.count(n) > 1})
    if doubles:
        raise SystemExit(f'{folder} holds several wheels of {", ".join(doubles)}: keep one of each')
    return [w for w in wheels if installed_version(distribution(w), search) is None]


def install(folder: Path, prefix: Path) -> dict:
    """Install the missing wheels into ``prefix``; return what was installed and what was kept."""
    start = time.perf_counter()
    search = [str(prefix), *sys.path]
    wheels = sorted(folder.glob('*.whl'))
    missing = missing_wheels(folder, search)
    if missing:
        subprocess.run([sys.executable, '-m', 'pip', 'install', '--quiet', '--no-index',
                        '--no-deps', '--no-compile', '--no-cache-dir', '--target', str(prefix),
                        *map(str, missing)], check=True)
    installed = {distribution(w): installed_version(distribution(w), [str(prefix)])
                 for w in missing}
    kept = {distribution(w): installed_version(distribution(w), sys.path)
            for w in wheels if w not in missing}
    return dict(prefix=str(prefix), installed=installed, already_there=kept,
                seconds=time.perf_counter() - start)


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('wheels', type=Path, help='folder of .whl files')
    parser.add_argument('prefix', type=Path, help='where to install them (put it on PYTHONPATH)')
    parser.add_argument('--record', type=Path, help='write what was done as JSON to this file')
    args = parser.parse_args(argv)
    result = install(args.wheels, args.prefix)
    print(f'installed into {args.prefix}: ' + (', '.join(
        f'{n} {v}' for n, v in result['installed'].items()) or 'nothing (all present)'))
    if result['already_there']:
        print('already there, left alone: ' + ', '.join(
            f'{n} {v}' for n, v in result['already_there'].items()))
    if args.record:
        args.record.write_text(json.dumps(result, indent=1))
    return result


if __name__ == '__main__':
    main()
