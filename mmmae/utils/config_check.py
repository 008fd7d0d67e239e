"""Config mistakes named with the fix: misspelt top-level keys, component types and arguments.

mmengine ignores a top-level key it does not know (``train_dataloder`` is silently
unused), and its registry and constructor errors say what is wrong but not what
was meant. ``check_config_keys`` runs before anything is built;
``explain_build_error`` turns a registry ``KeyError`` or an unexpected-keyword
``TypeError`` into a message with the closest valid name.
"""
import difflib
import inspect
import re
from contextlib import contextmanager
from typing import Iterator, Iterable, Optional

from mmengine.config import Config
from mmengine.registry import Registry
from mmengine.runner import FlexibleRunner, Runner

from mmmae import registry as mmmae_registry
from .misc import closest_name

# Runner and FlexibleRunner arguments, plus what the tools and mmengine read from a config themselves
RUNNER_KEYS = frozenset(inspect.signature(Runner.__init__).parameters) | frozenset(
    inspect.signature(FlexibleRunner.__init__).parameters) - {'self', 'cfg'} | {
    '_base_', 'custom_imports', 'runner_type', 'model_wrapper_cfg', 'vis_backends'}
SIMILARITY = 0.8  # helper variables of a config (max_iters, det_size) are rarely this close


class ConfigError(ValueError):
    """A config mistake, with the closest valid name."""


def check_config_keys(cfg: Config) -> None:
    """Raise :class:`ConfigError` for a top-level key that looks like a misspelt setting, and
    for mmengine's ``compile``, which fails on today's torch (use ``CompileModelHook``)."""
    if cfg.get('compile'):
        raise ConfigError("compile = ... makes mmengine 0.10.7 compile model.train_step, optimizer "
                          "step included, which fails on torch 2.14; compile the model with "
                          "custom_hooks = [dict(type='CompileModelHook')] (torch.compile's "
                          "arguments go into the dict) and remove compile")
    check_runner_settings(cfg)
    for key in cfg.keys():
        if key in RUNNER_KEYS:
            continue
        match = difflib.get_close_matches(key, RUNNER_KEYS, n=1, cutoff=SIMILARITY)
        if match:
            raise ConfigError(f"config key '{key}' is not a setting mmengine reads, so it would be "
                                 f"silently ignored; did you mean '{match[0]}'?")


def check_runner_settings(cfg: Config) -> None:
    """Raise :class:`ConfigError` for settings the config's Runner would silently ignore: a
    ``strategy`` (FSDP, DeepSpeed) under the plain Runner, DDP's ``model_wrapper_cfg`` under a
    FlexibleRunner."""
    runner = mmmae_registry.RUNNERS.get(cfg.get('runner_type', 'Runner'))
    flexible = isinstance(runner, type) and issubclass(runner, FlexibleRunner)
    if cfg.get('strategy') is not None and not flexible:
        raise ConfigError(f"strategy = ... is read only by a FlexibleRunner, and runner_type is "
                          f"{cfg.get('runner_type', 'Runner')!r}; set runner_type = "
                          "'mmmae.SafeFlexibleRunner', or remove strategy to train with DDP")
    if flexible and cfg.get('model_wrapper_cfg') is not None:
        raise ConfigError('model_wrapper_cfg is the DDP Runner\'s wrapper setting, which a '
                          'FlexibleRunner ignores; put the wrapper\'s options in strategy.model_wrapper '
                          'and remove model_wrapper_cfg')


def _registries_named(name: str) -> Iterable[Registry]:
    """mmmae's registry called ``name``, its ancestors, then every other scope (MMDet, MMSeg, ...)."""
    ours = next((r for r in vars(mmmae_registry).values()
                 if isinstance(r, Registry) and r.name == name), None)
    chain = []
    while ours is not None:
        chain.append(ours)
        ours = ours.parent
    if not chain:
        return []
    others = [r for r in chain[-1].children.values() if r not in chain]
    return chain + others


def _class_named(name: str) -> Optional[type]:
    """The class registered as ``name`` in any of mmmae's registries or their ancestors
    (models first: their names are the ones other registries share)."""
    names = ['model'] + sorted({r.name for r in vars(mmmae_registry).values() if isinstance(r, Registry)})
    for registry_name in names:
        for registry in _registries_named(registry_name):
            if name in registry.module_dict:
                return registry.module_dict[name]
    return None


def explain_build_error(err: Exception) -> Optional[str]:
    """The closest valid name for a misspelt component type or argument, or None."""
    text = str(err.args[0]) if err.args else ''
    unknown_type = re.match(r'(\S+) is not in the (?:\S+::)?(\w+) registry', text)
    if isinstance(err, KeyError) and unknown_type:
        type_name, registry_name = unknown_type.groups()
        ours = next(iter(_registries_named(registry_name)), None)
        if ours is not None and type_name in ours.module_dict:  # looked up outside mmmae's scope
            return (f"{registry_name} type '{type_name}' is mmmae's, and this {registry_name} is "
                    f"built outside mmmae's scope; write type='mmmae.{type_name}'")
        names = {n for r in _registries_named(registry_name) for n in r.module_dict}
        hint = closest_name(type_name.split('.')[-1], names)
        return f"unknown {registry_name} type '{type_name}'{hint}" if hint else None
    unknown_arg = re.search(r"(\w+)\.__init__\(\) got an unexpected keyword argument '(\w+)'", text)
    if isinstance(err, TypeError) and unknown_arg:
        class_name, argument = unknown_arg.groups()
        cls = _class_named(class_name)
        if cls is None:
            return None
        hint = closest_name(argument, inspect.signature(cls.__init__).parameters)
        return f"{class_name} has no argument '{argument}'{hint}" if hint else None
    return None


@contextmanager
def named_config_errors() -> Iterator[None]:
    """Re-raise a registry or constructor error that :func:`explain_build_error` can name."""
    try:
        yield
    except (KeyError, TypeError) as err:
        hint = explain_build_error(err)
        if hint is None:
            raise
        raise ConfigError(f'{hint} (check the config)') from err
