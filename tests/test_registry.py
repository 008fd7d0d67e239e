"""mmmae's registries are children of MMPretrain's under the scope 'mmmae'."""
from mmengine.registry import DefaultScope
from mmpretrain.registry import MODELS as MMPRETRAIN_MODELS

from mmmae.models import MAE
from mmmae.registry import MODELS


def test_scope_and_parent():
    assert MODELS.scope == 'mmmae' and MODELS.parent is MMPRETRAIN_MODELS


def test_default_scope_finds_ours_first_then_mmpretrain_mmdet_mmseg():
    with DefaultScope.overwrite_default_scope('mmmae'):
        assert MODELS.get('MAE') is MAE
        assert MODELS.get('MAE') is not MMPRETRAIN_MODELS.get('MAE')
        assert MODELS.get('ImageClassifier').__module__.startswith('mmpretrain')
        assert MODELS.get('mmdet.MaskRCNN').__module__.startswith('mmdet')
        assert MODELS.get('mmseg.UPerHead').__module__.startswith('mmseg')
        lars = MODELS.build(dict(type='mmpretrain.LinearClsHead', num_classes=3, in_channels=8))
        assert type(lars).__module__.startswith('mmpretrain')


def test_other_scopes_reach_mmmae_components_by_the_dotted_name():
    import pytest
    from mmdet.registry import MODELS as MMDET_MODELS
    from mmengine.registry import RUNNERS, WEIGHT_INITIALIZERS
    from mmseg.registry import MODELS as MMSEG_MODELS

    import mmmae
    from mmmae.engine import SafeLoadRunner, SafePretrainedInit
    from mmmae.models import MAEViTDet, MAEViTSeg
    with DefaultScope.overwrite_default_scope('mmdet'):
        assert MMDET_MODELS.get('mmmae.MAEViTDet') is MAEViTDet
        assert WEIGHT_INITIALIZERS.get('mmmae.Pretrained') is SafePretrainedInit
    with DefaultScope.overwrite_default_scope('mmseg'):
        assert MMSEG_MODELS.get('mmmae.MAEViTSeg') is MAEViTSeg
    assert RUNNERS.get('mmmae.SafeLoadRunner') is SafeLoadRunner
    with pytest.raises(AttributeError, match='not a registered mmmae component'):
        mmmae.MAEViTDett  # noqa: B018
