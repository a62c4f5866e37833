"""Every function of template.yaml checked against its own IAM role in the tests.

Each function's handler (the module attribute its `Handler` names) is replaced by one that runs
it as that function (`IamGuard.acting_as`): the AWS calls it makes, in its thread or its worker
threads, are checked against that function's role. A new function in the template is covered
without a change here."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from leaddesk_local.iam import IamGuard
from leaddesk_local.template import Template


def act_as_functions(template: Template, guard: IamGuard) -> Callable[[], None]:
    """Wrap every function's handler; the returned callable puts the originals back."""
    restore: list[tuple[Any, str, Any]] = []
    for spec in template.functions():
        module_name, _, attribute = spec.handler.rpartition(".")
        module = importlib.import_module(module_name)
        original = getattr(module, attribute)

        def acting(
            event: Any, context: Any, _handler: Any = original, _function: str = spec.logical_id
        ) -> Any:
            with guard.acting_as(_function):
                return _handler(event, context)

        setattr(module, attribute, acting)
        restore.append((module, attribute, original))

    def put_back() -> None:
        for module, attribute, original in restore:
            setattr(module, attribute, original)

    return put_back
