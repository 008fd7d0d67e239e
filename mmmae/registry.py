"""mmmae's registries: children of MMPretrain's, under the scope ``mmmae``.

A config with ``default_scope='mmmae'`` finds mmmae's components first, then
MMPretrain's and MMEngine's; MMDetection and MMSegmentation components are
reached with their scope prefix (``type='mmdet.MaskRCNN'``). The other way round,
MMDetection / MMSegmentation configs reach mmmae's parts as ``type='mmmae.MAEViTDet'``:
mmengine looks a scope prefix up only among its root registries' children, then imports the
dotted name, which ``mmmae.__getattr__`` answers from these registries. Nothing is written
into mmengine's registry tree beyond what ``Registry(parent=...)`` itself does; the two
registries MMPretrain lacks (strategies, functions) hang from mmengine's roots directly.
"""
from mmengine import registry as mmengine_registry
from mmengine.registry import Registry
from mmpretrain import registry as mmpretrain_registry


def _child(parent: Registry, location: str) -> Registry:
    return Registry(parent.name, parent=parent, scope='mmmae', locations=[location])


RUNNERS = _child(mmpretrain_registry.RUNNERS, 'mmmae.engine')
LOOPS = _child(mmpretrain_registry.LOOPS, 'mmmae.engine')
HOOKS = _child(mmpretrain_registry.HOOKS, 'mmmae.engine')
LOG_PROCESSORS = _child(mmpretrain_registry.LOG_PROCESSORS, 'mmmae.engine')
OPTIMIZERS = _child(mmpretrain_registry.OPTIMIZERS, 'mmmae.engine')
OPTIM_WRAPPERS = _child(mmpretrain_registry.OPTIM_WRAPPERS, 'mmmae.engine')
OPTIM_WRAPPER_CONSTRUCTORS = _child(mmpretrain_registry.OPTIM_WRAPPER_CONSTRUCTORS, 'mmmae.engine')
PARAM_SCHEDULERS = _child(mmpretrain_registry.PARAM_SCHEDULERS, 'mmmae.engine')
DATASETS = _child(mmpretrain_registry.DATASETS, 'mmmae.datasets')
DATA_SAMPLERS = _child(mmpretrain_registry.DATA_SAMPLERS, 'mmmae.datasets')
TRANSFORMS = _child(mmpretrain_registry.TRANSFORMS, 'mmmae.datasets')
MODELS = _child(mmpretrain_registry.MODELS, 'mmmae.models')
MODEL_WRAPPERS = _child(mmpretrain_registry.MODEL_WRAPPERS, 'mmmae.models')
WEIGHT_INITIALIZERS = _child(mmpretrain_registry.WEIGHT_INITIALIZERS, 'mmmae.models')
TASK_UTILS = _child(mmpretrain_registry.TASK_UTILS, 'mmmae.models')
BATCH_AUGMENTS = _child(mmpretrain_registry.BATCH_AUGMENTS, 'mmmae.models')
METRICS = _child(mmpretrain_registry.METRICS, 'mmmae.evaluation')
EVALUATORS = _child(mmpretrain_registry.EVALUATORS, 'mmmae.evaluation')
VISUALIZERS = _child(mmpretrain_registry.VISUALIZERS, 'mmmae.visualization')
VISBACKENDS = _child(mmpretrain_registry.VISBACKENDS, 'mmmae.visualization')
# MMPretrain has no children of these two: mmmae's hang from mmengine's roots directly
# (imported when first looked up: torch's FSDP and checkpoint modules take seconds to import)
STRATEGIES = _child(mmengine_registry.STRATEGIES, 'mmmae.engine.strategies')
FUNCTIONS = _child(mmengine_registry.FUNCTIONS, 'mmmae.engine.strategies')
