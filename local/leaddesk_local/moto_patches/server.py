"""Patches of the moto server process as a whole: no instance tracking, the service list read
once, EventBridge's path parsers built once, each handler class's actions listed once."""

from __future__ import annotations

from typing import Any

# --- instance tracking -------------------------------------------------------------------------
# Models whose instances moto's reset must still find (it closes their spooled temporary files).
_STILL_TRACKED = frozenset({"FakeKey", "FakeMultipart"})


def stop_instance_tracking() -> None:
    from moto.core.common_models import BaseModel

    def untracked_new(cls: Any, *args: Any, **kwargs: Any) -> Any:
        instance: Any = object.__new__(cls)
        if cls.__name__ in _STILL_TRACKED:
            cls.instances_tracked.append(instance)
        return instance

    BaseModel.__new__ = untracked_new  # type: ignore[method-assign]


# --- EventBridge: a path's parser built once ------------------------------------------------------
def parse_event_paths_once() -> None:
    from functools import lru_cache

    import jsonpath_ng.ext

    jsonpath_ng.ext.parse = lru_cache(maxsize=512)(jsonpath_ng.ext.parse)  # type: ignore[attr-defined]


# --- the server: which services exist, listed once ---------------------------------------------
def list_services_once() -> None:
    from moto import backends

    services = tuple(backends.list_of_moto_modules())
    backends.list_of_moto_modules = lambda: services  # the folders moto ships do not change


# --- the server: a handler class's actions, listed once ------------------------------------------
def list_actions_once() -> None:
    from functools import cache

    from moto.core import responses, utils

    # moto lists every function of the service's response class (inspect.getmembers: a few
    # hundred members) on each request, to check that the action exists; classes do not change
    # once the server serves.
    responses.method_names_from_class = cache(utils.method_names_from_class)  # type: ignore[attr-defined]
