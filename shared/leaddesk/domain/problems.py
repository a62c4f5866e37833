"""What is wrong with a message a model refused, as a dead letter or an API error names it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from leaddesk.domain.text import PATTERN_MEANINGS


def problem_message(problem: Mapping[str, Any]) -> str:
    """A refusal's message in words: a pattern is said by its meaning, never quoted."""
    if problem.get("type") == "string_pattern_mismatch":
        pattern = (problem.get("ctx") or {}).get("pattern")
        return PATTERN_MEANINGS.get(str(pattern), "does not have the expected form")
    return str(problem.get("msg", "invalid"))


def first_problem(error: ValidationError, default: str = "body") -> tuple[str, str]:
    """The first refusal of `error`: its location (dotted; `default` when it has none) and its message."""
    first = error.errors()[0]
    return ".".join(str(part) for part in first["loc"]) or default, problem_message(first)
