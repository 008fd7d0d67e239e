"""MkDocs hook: the Model zoo page, generated at build time from configs/**/metafile.yml.

The tables come from ``mmmae.utils.model_zoo`` (``models_of`` and ``table``, the same code that
writes the tables in ``configs/**/README.md``), so the site and the READMEs cannot disagree.
No ``docs/model_zoo.md`` is committed; this hook adds it to the build in ``on_files``.
"""
import re
from pathlib import Path

import yaml
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

from mmmae.utils import model_zoo as zoo

ROOT = Path(__file__).resolve().parents[2]
PAGE = 'model_zoo.md'

INTRO = """# Model zoo

Generated from the metafiles (`configs/**/metafile.yml`, imported by `model-index.yml`) each
time the site is built, by the code that writes the tables in `configs/**/README.md`
(`python tools/model_zoo.py tables`). `python tools/model_zoo.py check` (run by the test suite)
verifies that every config exists, builds and is listed, and that Parameters and FLOPs equal
what `tools/analysis_tools/get_flops.py` measures.

- **params / FLOPs**: counted by `get_flops.py` for one image: for pretraining the forward
  pass of one step (encoder on the visible patches, decoder on all of them), for classifiers and
  segmentors the forward pass to the logits, for detectors backbone and neck.
- **source**: `cited` results are quoted from the paper, the official code or MMPretrain and
  were not measured by mmmae; `ours` were measured by mmmae (the metafile names the command).
  Rows without a result are configs with no published number.
- Run a config as shown in [Get started](get_started.md) and [Pretraining](pretrain.md).
"""


def render() -> str:
    """The page's Markdown: one section per metafile, titled by its README's first heading."""
    # model-index.yml's order (pretraining first), then any metafile it does not import
    imported = yaml.safe_load((ROOT / 'model-index.yml').read_text()).get('Import', [])
    order = {path: i for i, path in enumerate(imported)}
    sections = [INTRO]
    for metafile in sorted(zoo.metafiles(ROOT),
                           key=lambda m: order.get(m.relative_to(ROOT).as_posix(), len(order))):
        folder = metafile.parent.relative_to(ROOT).as_posix()
        readme = metafile.parent / 'README.md'
        title = folder
        if readme.exists():
            first = readme.read_text().splitlines()[0]
            title = first.lstrip('#').strip() if first.startswith('#') else folder
        # the README tables link config files beside them; on the site, show the config path
        rows = re.sub(r'\[([^\]]+)\]\(([^)/]+\.py)\)', f'`{folder}/\\2`',
                      zoo.table(zoo.models_of(metafile)))
        sections.append(f'## {title}\n\nConfigs in `{folder}/`, metafile `{folder}/metafile.yml`.'
                        f'\n\n{rows}\n')
    return '\n'.join(sections)


def on_files(files, config):
    if files.get_file_from_path(PAGE) is not None:
        raise PluginError(f'docs/{PAGE} is generated from the metafiles by docs/hooks/model_zoo.py; '
                          'delete the file')
    files.append(File.generated(config, PAGE, content=render()))
    return files
