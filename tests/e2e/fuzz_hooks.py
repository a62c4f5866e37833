"""Schemathesis hooks for fuzzing the leads API (`SCHEMATHESIS_HOOKS=tests.e2e.fuzz_hooks`).

Two things no OpenAPI document can say, told here instead:
- which lead ids exist: schema-valid cases on `/leads/{lead_id}…` use the fuzz partner's real
  leads (`LEADDESK_FUZZ_LEAD_IDS`), so they reach the lifecycle rules instead of a 404;
- what a valid cursor is: only one the API handed out as `next_cursor` for the same query. A
  generated one is refused (400), rightly, so schema-valid cases leave `cursor` out. Cursor
  handling is tested by tests/integration (foreign, tampered, empty and oversized cursors).
"""

from __future__ import annotations

import itertools
import os
from typing import Any

import schemathesis
from schemathesis.generation import GenerationMode

_LEAD_IDS = itertools.cycle(
    [i for i in os.environ.get("LEADDESK_FUZZ_LEAD_IDS", "").split(",") if i] or ["-"]
)


def _positive(case: Any) -> bool:
    meta = getattr(case, "meta", None)
    return meta is None or meta.generation.mode is GenerationMode.POSITIVE


@schemathesis.hook
def map_case(context: Any, case: Any) -> Any:
    if _positive(case) and case.path_parameters and "lead_id" in case.path_parameters:
        case.path_parameters["lead_id"] = next(_LEAD_IDS)
    return case


@schemathesis.hook
def filter_case(context: Any, case: Any) -> bool:
    return not (_positive(case) and "cursor" in (case.query or {}))
