#!/usr/bin/env python
"""Model zoo: Markdown tables from the metafiles, and a consistency check.

``check`` verifies that model-index.yml imports every configs/**/metafile.yml, that
every metafile Config exists and builds, that every config in configs/ is listed,
that Parameters and FLOPs equal what tools/analysis_tools/get_flops.py measures, that
every result names its source (cited ones say "cited", our own say "measured by
mmmae"), and that the generated tables in the config READMEs are current
(``mmmae.utils.model_zoo``).
``tables --write`` regenerates those tables (between the model-zoo markers).

Examples:
    python tools/model_zoo.py check
    python tools/model_zoo.py tables --write
"""
import argparse
import sys
from pathlib import Path

from mmmae.utils.model_zoo import check, metafiles, models_of, readme_with_table, table

ROOT = Path(__file__).resolve().parent.parent


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    sub = parser.add_subparsers(dest='command', required=True)
    sub.add_parser('check', help='report every inconsistency (exit 1 if any)')
    tables = sub.add_parser('tables', help='print or write the README tables')
    tables.add_argument('--write', action='store_true', help='write them into the READMEs')
    args = parser.parse_args(argv)
    if args.command == 'check':
        problems = check(ROOT)
        print('\n'.join(problems) or 'model zoo is consistent')
        return 1 if problems else 0
    for metafile in metafiles(ROOT):
        readme = metafile.parent / 'README.md'
        text = readme_with_table(readme, models_of(metafile))
        if args.write:
            readme.write_text(text)
            print(f'wrote {readme.relative_to(ROOT)}')
        else:
            print(f'## {metafile.parent.relative_to(ROOT)}\n\n{table(models_of(metafile))}\n')
    return 0


if __name__ == '__main__':
    sys.exit(main())
