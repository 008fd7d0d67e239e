"""model-index.yml lists every pretraining config with measured parameters and FLOPs."""
from pathlib import Path

import torch
from mmengine.config import Config
from modelindex.load_model_index import load

from get_flops import complexity  # tools/analysis_tools
from mmmae.registry import MODELS

ROOT = Path(__file__).resolve().parents[2]


def models():
    return load(str(ROOT / 'model-index.yml')).models


def test_every_imagenet_pretraining_config_is_listed_and_exists():
    listed = {m.config for m in models()}
    on_disk = {str(p.relative_to(ROOT)) for p in (ROOT / 'configs' / 'mae').glob('*_in1k.py')}
    assert listed == on_disk
    for model in models():
        assert Path(model.config).stem == model.name


def test_parameters_are_what_the_configs_build():
    for model in models():
        cfg = Config.fromfile(str(ROOT / model.config))
        with torch.device('meta'):
            built = MODELS.build(cfg.model)
        assert model.metadata.parameters == sum(p.numel() for p in built.parameters()), model.name


def test_vit_base_flops_are_measured_and_results_are_marked_cited():
    base = next(m for m in models() if m.name.startswith('mae_vit-base'))
    assert base.metadata.flops == complexity(str(ROOT / base.config))['forward_flops']
    import yaml
    raw = yaml.safe_load((ROOT / 'configs' / 'mae' / 'metafile.yml').read_text())
    for entry in raw['Models']:
        for result in entry['Results'] or []:
            assert 'cited' in result['Source'] and 'not measured by mmmae' in result['Source']
