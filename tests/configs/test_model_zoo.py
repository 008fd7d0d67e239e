"""The model zoo is consistent: tools/model_zoo.py check finds nothing, and finds what is wrong."""
from modelindex.load_model_index import load

from conftest import ROOT

from mmmae.utils import model_zoo


def test_model_zoo_is_consistent():
    assert model_zoo.check(ROOT) == []


def test_model_index_loads_with_modelindex_and_lists_every_metafile():
    names = {m.name for m in load(str(ROOT / 'model-index.yml')).models}
    assert 'mae_vit-base-p16_8xb512-amp-coslr-300e_in1k' in names
    assert 'vit-huge-p14_mae-pre_32xb32-coslr-50e_in1k-448px' in names


def test_check_reports_measured_numbers_that_disagree(monkeypatch):
    real = model_zoo.model_complexity

    def off_by_one(config):
        stats = real(config)
        return dict(stats, params=stats['params'] + 1)
    monkeypatch.setattr(model_zoo, 'model_complexity', off_by_one)
    problems = model_zoo.check(ROOT)
    assert any('Parameters is 111907840, get_flops.py measures 111907841' in p for p in problems)
