"""Register mmmae's modules and set the default registry scope."""
import datetime

from mmengine import DefaultScope


def register_all_modules(init_default_scope: bool = True) -> None:
    """Import every mmmae module so it is registered; optionally make ``mmmae`` the default scope.

    MMPretrain's modules are registered too, since mmmae's registries are its children.
    """
    import mmpretrain.utils

    import mmmae.datasets  # noqa: F401
    import mmmae.engine  # noqa: F401
    import mmmae.evaluation  # noqa: F401
    import mmmae.models  # noqa: F401
    import mmmae.visualization  # noqa: F401
    mmpretrain.utils.register_all_modules(init_default_scope=False)
    if not init_default_scope:
        return
    current = DefaultScope.get_current_instance()
    if current is None or current.scope_name != 'mmmae':
        DefaultScope.get_instance(f'mmmae-{datetime.datetime.now()}', scope_name='mmmae')
