"""What is wrong with a message a model refused, as a dead letter names it."""

from __future__ import annotations

from pydantic import ValidationError


def first_problem(error: ValidationError, default: str = "body") -> tuple[str, str]:
    """The first refusal of `error`: its location (dotted; `default` when it has none) and its message."""
    first = error.errors()[0]
    return ".".join(str(part) for part in first["loc"]) or default, first["msg"]
