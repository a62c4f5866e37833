"""Schemathesis hooks for fuzzing the leads API (`SCHEMATHESIS_HOOKS=tests.e2e.fuzz_hooks`).

Three things no OpenAPI document can say, told here instead:
- which lead ids exist: schema-valid cases on `/leads/{lead_id}…` use the fuzz partner's real
  leads (`LEADDESK_FUZZ_LEAD_IDS`), so they reach the lifecycle rules instead of a 404;
- what a valid cursor is: only one the API handed out as `next_cursor` for the same query. A
  generated one is refused (400), rightly, so schema-valid cases leave `cursor` out. Cursor
  handling is tested by tests/integration (foreign, tampered, empty and oversized cursors);
- which webhook URLs are accepted: a host that resolves to no loopback, private, link-local or
  metadata address, over https — the network's rules, not a schema's. Schema-valid cases on
  `POST /webhooks` and `PATCH /webhooks/{endpoint_id}` send a public https URL (the rest of their
  body as generated); the URL rules are tested by tests/unit/test_webhook_rules.py and
  tests/integration/test_webhooks.py (422 naming `url`).
"""

from __future__ import annotations

import itertools
import os
from typing import Any

import schemathesis
from schemathesis.generation import GenerationMode

PUBLIC_URL = "https://crm.partner-fuzz.example/leaddesk"
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
    webhook_body = case.path in ("/webhooks", "/webhooks/{endpoint_id}") and case.method in ("POST", "PATCH")
    if _positive(case) and webhook_body and isinstance(case.body, dict) and case.body.get("url") is not None:
        case.body["url"] = PUBLIC_URL
    return case


@schemathesis.hook
def filter_case(context: Any, case: Any) -> bool:
    return not (_positive(case) and "cursor" in (case.query or {}))
