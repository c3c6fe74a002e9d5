from importlib import import_module
from types import ModuleType

from django.apps import apps


def app_modules(module_name: str):
    """Yield ``<app>.<module_name>`` for every installed app but portal that has one (roles, demo, …)."""
    for config in apps.get_app_configs():
        if config.name == "portal":
            continue
        dotted = f"{config.name}.{module_name}"
        try:
            module: ModuleType = import_module(dotted)
        except ModuleNotFoundError as exc:
            if exc.name != dotted:
                raise  # the module exists but imports something missing: a real error
            continue
        yield module
