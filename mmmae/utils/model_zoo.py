"""The model zoo of a checkout: Markdown tables from the metafiles, and a consistency check.

``check(root)`` verifies that model-index.yml imports every configs/**/metafile.yml, that every
metafile Config exists and builds, that every config in configs/ is listed, that Parameters and
FLOPs equal what :func:`mmmae.apis.model_complexity` measures, that every result names its
source (cited ones say "cited", our own say "measured by mmmae"), and that the generated tables
in the config READMEs are current. tools/model_zoo.py is its command line.
"""
from pathlib import Path
from typing import Dict, List

import yaml

from mmmae.apis.complexity import model_complexity

START, END = '<!-- model-zoo:start -->', '<!-- model-zoo:end -->'


def metafiles(root: Path) -> List[Path]:
    """Every ``configs/**/metafile.yml`` under the checkout ``root``."""
    return sorted((root / 'configs').rglob('metafile.yml'))


def models_of(metafile: Path) -> List[dict]:
    """The ``Models`` of a metafile."""
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
    """The README's text with its generated table (between the model-zoo markers) current."""
    text = readme.read_text() if readme.exists() else f'# {readme.parent.name}\n\n{START}\n{END}\n'
    if START not in text:
        text = text.rstrip() + f'\n\n## Models\n\n{START}\n{END}\n'
    head, rest = text.split(START, 1)
    return f'{head}{START}\n{table(models)}\n{END}{rest.split(END, 1)[1]}'


def check(root: Path) -> List[str]:
    """Every inconsistency found, as a sentence naming the file and the fix."""
    problems = []
    index = yaml.safe_load((root / 'model-index.yml').read_text())
    imported = set(index.get('Import', []))
    listed: Dict[str, str] = {}
    for metafile in metafiles(root):
        rel = str(metafile.relative_to(root))
        if rel not in imported:
            problems.append(f'model-index.yml does not import {rel}; add it under Import')
        for model in models_of(metafile):
            config = root / model['Config']
            listed[model['Config']] = rel
            if not config.exists():
                problems.append(f'{rel}: {model["Name"]} names a missing config {model["Config"]}')
                continue
            stats = model_complexity(str(config))
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
            problems.append(f'{readme.relative_to(root)} has a stale model table; run '
                            '`python tools/model_zoo.py tables --write`')
    for config in sorted((root / 'configs').rglob('*.py')):
        rel = str(config.relative_to(root))
        if '_base_' not in config.parts and rel not in listed:
            problems.append(f'{rel} is in no metafile; add an entry to its folder\'s metafile.yml')
    return problems
