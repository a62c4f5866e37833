"""How a dead letter explains itself, whichever way it reached the queue."""

from __future__ import annotations

import json
from typing import Any

from leaddesk.adapters.dead_letters import RETRIES_EXHAUSTED, describe


def message(body: str, **attributes: str) -> dict[str, Any]:
    return {
        "MessageId": "dl-1",
        "ReceiptHandle": "rh-1",
        "Body": body,
        "MessageAttributes": {k: {"DataType": "String", "StringValue": v} for k, v in attributes.items()},
    }


ENVELOPE = json.dumps(
    {"detail-type": "Qualified Lead", "detail": {"partner_id": "p-1", "event_id": "q-9", "lead_type": "x"}}
)


def test_rejected_by_ingest_carries_reason_and_field() -> None:
    letter = describe(
        message(ENVELOPE, **{"leaddesk-reason": "'x' is not one of …", "leaddesk-field": "lead_type"})
    )
    assert letter.summary() == {
        "id": "dl-1",
        "event_id": "q-9",
        "detail_type": "Qualified Lead",
        "partner_id": "p-1",
        "field": "lead_type",
        "reason": "'x' is not one of …",
    }
    assert letter.matches("q-9") and letter.matches("dl-1") and not letter.matches("p-1")


def test_moved_by_the_redrive_policy_reads_retries_exhausted() -> None:
    letter = describe(message(ENVELOPE))
    assert letter.reason == RETRIES_EXHAUSTED and letter.field is None


def test_undeliverable_by_the_bus_names_the_error() -> None:
    letter = describe(message(ENVELOPE, ERROR_CODE="SQS.AccessDenied", ERROR_MESSAGE="not allowed"))
    assert letter.reason == "the bus could not deliver it: SQS.AccessDenied not allowed"


def test_a_body_that_is_not_json_or_not_an_envelope_still_lists() -> None:
    for body in ("{broken", "[1, 2]", json.dumps({"detail": "text"}), ""):
        letter = describe(message(body, **{"leaddesk-reason": "r", "leaddesk-field": "body"}))
        assert (letter.event_id, letter.detail_type, letter.partner_id) == (None, None, None)
        assert letter.body == body


def test_a_letter_nested_past_the_parsers_limit_still_lists_and_keeps_its_body() -> None:
    deep = '{"detail": ' * 5000 + "1" + "}" * 5000
    letter = describe(message(deep))
    assert letter.reason == RETRIES_EXHAUSTED and letter.body == deep
    assert (letter.event_id, letter.detail_type) == (None, None)
