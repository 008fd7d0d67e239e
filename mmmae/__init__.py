"""mmmae: Masked Autoencoders (He et al. 2021) as an OpenMMLab plugin.

Importing it changes nothing in mmengine, MMDetection or MMSegmentation: what mmmae adds is
registered (``mmmae.utils.register_all_modules``) and chosen in the configs.

Configs of other scopes name mmmae's registered components ``type='mmmae.MAEViTDet'``:
mmengine resolves a scope prefix only among its root registry's children, and mmmae's
registries are children of MMPretrain's, so it falls back to importing the dotted name, which
:func:`__getattr__` answers from mmmae's registries.
"""
from .version import __version__

__all__ = ['__version__']


def __getattr__(name: str):
    """``mmmae.<name>``: the component registered under ``name`` in one of mmmae's registries."""
    from importlib import import_module
    from importlib.util import find_spec
    if name.startswith('_') or find_spec(f'{__name__}.{name}') is not None:
        raise AttributeError(name)  # a submodule not imported yet: let the import system load it
    from mmengine.registry import Registry
    for candidate in vars(import_module(f'{__name__}.registry')).values():
        if isinstance(candidate, Registry):
            candidate.import_from_location()
            if name in candidate.module_dict:
                return candidate.module_dict[name]
    raise AttributeError(f"module 'mmmae' has no attribute {name!r} (not a registered mmmae "
                         'component either)')
