"""The partner's suppressed addresses (`SUP#<address>`): their items, and the write that adds one.

A lead's emails are in `lead_mails`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from leaddesk.adapters.dynamo.notify_batch import Write, WritePurpose, put_new
from leaddesk.adapters.dynamo.notify_items import suppression_key
from leaddesk.domain.feedback import Suppression


def suppression_item(partner_id: str, suppression: Suppression) -> dict[str, Any]:
    return {
        **suppression_key(partner_id, suppression.address),
        "type": {"S": "suppression"},
        "doc": {"S": suppression.model_dump_json()},
    }


def suppression_from(item: Mapping[str, Any]) -> Suppression:
    return Suppression.model_validate_json(item["doc"]["S"])


def put_suppression(table: str, partner_id: str, suppression: Suppression) -> Write:
    """A new suppression (fails when the address is suppressed already)."""
    return Write(
        suppression.address, WritePurpose.CLAIM, put_new(table, suppression_item(partner_id, suppression))
    )
