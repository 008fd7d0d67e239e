#!/usr/bin/env python
"""Model zoo: Markdown tables from the metafiles, and a consistency check.

``check`` verifies that model-index.yml imports every configs/**/metafile.yml, that
every metafile Config exists and builds, that every config in configs/ is listed,
that Parameters and FLOPs equal what tools/analysis_tools/get_flops.py measures, that
every result names its source (cited ones say "cited", our own say "measured by
mmmae"), and that the generated tables in the config READMEs are current.
``tables --write`` regenerates those tables (between the model-zoo markers).

Examples:
    python tools/model_zoo.py check
    python tools/model_zoo.py tables --write
"""
import argparse
import sys
from pathlib import Path
from typing import Dict, List

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / 'tools' / 'analysis_tools'))
from get_flops import complexity  # noqa: E402

START, END = '<!-- model-zoo:start -->', '<!-- model-zoo:end -->'


def metafiles() -> List[Path]:
    return sorted((ROOT / 'configs').rglob('metafile.yml'))


def models_of(metafile: Path) -> List[dict]:
    return yaml.safe_load(metafile.read_text())['Models']


def table(models: List[dict]) -> str:
    """One Markdown row per (model, result)."""
    rows = ['| model | arch | schedule | batch | params (M) | FLOPs (G) | protocol | result | source |',
            '| --- | --- | --- | --- | --- | --- | --- | --- | --- |']
    for model in models:
        meta = model['Metadata']
        for result in model.get('Results') or [dict(Protocol='pretraining', Metrics={}, Source='')]:
            metrics = ', '.join(f'{name} {value}' for name, value in result['Metrics'].items())
            source = 'cited' if 'cited' in result['Source'] else ('ours' if result['Source'] else '')
            schedule = f"{meta['Epochs']} ep" if 'Epochs' in meta else f"{meta['Iterations']} it"
            rows.append(f"| [{model['Name']}]({Path(model['Config']).name}) | "
                        f"{', '.join(meta['Architecture'])} | {schedule} | "
                        f"{meta['Batch Size']} | {meta['Parameters'] / 1e6:.1f} | "
                        f"{meta['FLOPs'] / 1e9:.1f} | {result.get('Protocol', '')} | {metrics} | "
                        f'{source} |')
    return '\n'.join(rows)


def readme_with_table(readme: Path, models: List[dict]) -> str:
    text = readme.read_text() if readme.exists() else f'# {readme.parent.name}\n\n{START}\n{END}\n'
    if START not in text:
        text = text.rstrip() + f'\n\n## Models\n\n{START}\n{END}\n'
    head, rest = text.split(START, 1)
    return f'{head}{START}\n{table(models)}\n{END}{rest.split(END, 1)[1]}'


def check() -> List[str]:
    """Every inconsistency found, as a sentence naming the file and the fix."""
    problems = []
    index = yaml.safe_load((ROOT / 'model-index.yml').read_text())
    imported = set(index.get('Import', []))
    listed: Dict[str, str] = {}
    for metafile in metafiles():
        rel = str(metafile.relative_to(ROOT))
        if rel not in imported:
            problems.append(f'model-index.yml does not import {rel}; add it under Import')
        for model in models_of(metafile):
            config = ROOT / model['Config']
            listed[model['Config']] = rel
            if not config.exists():
                problems.append(f'{rel}: {model["Name"]} names a missing config {model["Config"]}')
                continue
            stats = complexity(str(config))
            for key, measured in (('Parameters', stats['params']),
                                  ('FLOPs', stats['forward_flops'])):
                if model['Metadata'].get(key) != measured:
                    problems.append(f'{rel}: {model["Name"]} {key} is {model["Metadata"].get(key)}'
                                    f', get_flops.py measures {measured}; update the metafile')
            for result in model.get('Results') or []:
                source = result.get('Source', '')
                if 'cited' not in source and 'measured by mmmae' not in source:
                    problems.append(f'{rel}: a result of {model["Name"]} names no source; say '
                                    '"cited from ..." or "measured by mmmae: <command>"')
        readme = metafile.parent / 'README.md'
        if not readme.exists() or readme_with_table(readme, models_of(metafile)) != \
                readme.read_text():
            problems.append(f'{readme.relative_to(ROOT)} has a stale model table; run '
                            '`python tools/model_zoo.py tables --write`')
    for config in sorted((ROOT / 'configs').rglob('*.py')):
        rel = str(config.relative_to(ROOT))
        if '_base_' not in config.parts and rel not in listed:
            problems.append(f'{rel} is in no metafile; add an entry to its folder\'s metafile.yml')
    return problems


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    sub = parser.add_subparsers(dest='command', required=True)
    sub.add_parser('check', help='report every inconsistency (exit 1 if any)')
    tables = sub.add_parser('tables', help='print or write the README tables')
    tables.add_argument('--write', action='store_true', help='write them into the READMEs')
    args = parser.parse_args(argv)
    if args.command == 'check':
        problems = check()
        print('\n'.join(problems) or 'model zoo is consistent')
        return 1 if problems else 0
    for metafile in metafiles():
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
