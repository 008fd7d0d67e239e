"""Utilities: module registration and small helpers."""
from .setup_env import register_all_modules

__all__ = ['register_all_modules', 'collect_env']


def __getattr__(name: str):
    # ``mmmae.utils.collect_env()`` is the function; importing its module lazily keeps
    # ``python -m mmmae.utils.collect_env`` free of runpy's "already imported" warning.
    if name == 'collect_env':
        from .collect_env import collect_env
        globals()['collect_env'] = collect_env  # replaces the submodule the import bound here
        return collect_env
    raise AttributeError(f'module {__name__!r} has no attribute {name!r}')
