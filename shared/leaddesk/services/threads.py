"""Work handed to a function's own thread pools runs in the context of the invocation that
handed it over: context variables (which function is acting, for the local stack's and the
tests' IAM check) reach the worker threads, as they would stay with the code in one thread."""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


def in_callers_context(work: Callable[[Item], Result]) -> Callable[[Item], Result]:
    """`work`, run in a copy of the calling thread's context (one copy per item: a context can be
    entered by one thread at a time)."""
    caller = contextvars.copy_context()

    def run(item: Item) -> Result:
        return caller.copy().run(work, item)

    return run
