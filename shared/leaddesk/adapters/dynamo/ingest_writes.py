"""Ingest's writes: a lead stored exactly once per producer event id, 24-hour repeats folded.

One conditional TransactWriteItems per new lead (event-id marker + lead + dedupe marker), so
concurrent duplicate deliveries resolve to a single winner; the markers of a batch are read
beforehand so a known duplicate costs no write and a touchpoint a single one.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from leaddesk.adapters.batching import chunked
from leaddesk.adapters.dynamo.counters import counter_update, deltas
from leaddesk.adapters.dynamo.items import ItemPolicy, lead_to_item
from leaddesk.adapters.dynamo.keys import (
    MarkerItemKey,
    dedupe_marker_key,
    event_marker_key,
    lead_key,
    marker_item_key,
)
from leaddesk.adapters.dynamo.paging import cancellation_reasons, codes, conflicted, failed_condition
from leaddesk.domain.dedupe import DEDUPE_WINDOW
from leaddesk.domain.ingest_outcomes import (
    DedupeMarker,
    EventMarker,
    IngestOutcome,
    IngestResult,
    Marker,
    MarkerKey,
    MarkerKind,
    dedupe_marker,
    event_marker,
)
from leaddesk.domain.models import Lead

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

IDEMPOTENCY_TTL = timedelta(days=30)
BATCH_GET_LIMIT = 100  # BatchGetItem's limit per call


class IngestWrites:
    def __init__(self, client: DynamoDBClient, table_name: str, policy: ItemPolicy) -> None:
        self._db = client
        self._table = table_name
        self._policy = policy

    def read_markers(self, keys: Iterable[MarkerKey]) -> dict[MarkerKey, Marker]:
        """The event-id and dedupe markers that exist among `keys`, read with BatchGetItem.

        Reads are not writes: knowing the markers up front lets a duplicate event cost no
        write at all and a touchpoint a single one. The conditional writes stay the guard
        against races; this is only the cheap path for the common case.
        """
        wanted = {marker_item_key(key): key for key in keys}
        found: dict[MarkerKey, Marker] = {}
        for chunk in chunked(wanted, BATCH_GET_LIMIT):
            request: dict[str, Any] = {
                self._table: {
                    "Keys": [{"PK": {"S": pk}, "SK": {"S": sk}} for pk, sk in chunk],
                    "ConsistentRead": True,
                }
            }
            for attempt in range(5):
                answer = self._db.batch_get_item(RequestItems=request)
                for item in answer.get("Responses", {}).get(self._table, []):
                    key = wanted[(item["PK"]["S"], item["SK"]["S"])]
                    found[key] = _event_marker(item) if key.kind is MarkerKind.EVENT else _dedupe_marker(item)
                request = dict(answer.get("UnprocessedKeys") or {})
                if not request:
                    break
                time.sleep(0.05 * 2**attempt)
            else:
                raise RuntimeError("DynamoDB left keys unprocessed after 5 BatchGetItem attempts")
        return found

    def add_lead(
        self,
        lead: Lead,
        dedupe: str | None,
        delivery_id: str,
        known: Mapping[MarkerKey, Marker] | None = None,
    ) -> IngestResult:
        """Store a new lead exactly once per (partner, event id), folding 24 h repeats.

        `known` holds the markers read beforehand (`read_markers`); with them a duplicate
        event id costs no write and a repeat of a customer one transaction. Otherwise one
        TransactWriteItems: the lead, the event-id marker and the dedupe marker, each
        conditional, so concurrent duplicate deliveries resolve to a single winner.
        """
        known = known or {}
        now = lead.created_at
        expires = int((now + IDEMPOTENCY_TTL).timestamp())
        seen_event = known.get(event_marker(lead.partner_id, lead.event_id))
        if isinstance(seen_event, EventMarker):
            return seen_event.duplicate(delivery_id)
        seen_repeat = known.get(dedupe_marker(lead.partner_id, dedupe)) if dedupe else None
        if isinstance(seen_repeat, DedupeMarker) and seen_repeat.window_end > now:
            return self._add_touchpoint(lead, seen_repeat.lead_id, delivery_id, expires)
        items: list[dict[str, Any]] = [
            self._put_event_marker(lead, lead.lead_id, "lead", delivery_id, expires),
            {
                "Put": {
                    "TableName": self._table,
                    "Item": lead_to_item(lead, self._policy),
                    "ConditionExpression": "attribute_not_exists(PK)",
                }
            },
        ]
        if dedupe:
            window_end = now + DEDUPE_WINDOW
            pk, sk = dedupe_marker_key(lead.partner_id, dedupe)
            items.append(
                {
                    "Put": {
                        "TableName": self._table,
                        "Item": {
                            "PK": {"S": pk},
                            "SK": {"S": sk},
                            "type": {"S": "dedupe"},
                            "lead_id": {"S": lead.lead_id},
                            "window_end": {"S": window_end.isoformat()},
                            "ttl": {"N": str(int(window_end.timestamp()) + 3600)},
                        },
                        "ConditionExpression": "attribute_not_exists(PK) OR window_end <= :now",
                        "ExpressionAttributeValues": {":now": {"S": now.isoformat()}},
                        "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                    }
                }
            )
        counted = deltas(None, lead)
        if counted:
            items.append(counter_update(self._table, lead.partner_id, counted))
        reasons = self._transact(items)
        if not reasons:
            return IngestResult(IngestOutcome.CREATED, lead.lead_id)
        if failed_condition(reasons, 0):
            marker = reasons[0].get("Item") or self._get(event_marker_key(lead.partner_id, lead.event_id))
            return _event_marker(marker).duplicate(delivery_id)
        if dedupe and failed_condition(reasons, 2):
            existing = reasons[2].get("Item") or self._get(dedupe_marker_key(lead.partner_id, dedupe))
            return self._add_touchpoint(lead, existing["lead_id"]["S"], delivery_id, expires)
        raise RuntimeError(f"lead {lead.lead_id} not stored: transaction cancelled with {codes(reasons)}")

    def _transact(self, items: list[dict[str, Any]], attempts: int = 4) -> list[Mapping[str, Any]]:
        """Write the transaction; [] when it went through, else why it was cancelled. A conflict
        with a concurrent transaction on a shared item (a counter) is tried again."""
        attempt = 0
        while True:
            try:
                self._db.transact_write_items(TransactItems=items)  # type: ignore[arg-type]
                return []
            except ClientError as error:
                reasons = cancellation_reasons(error)
            attempt += 1
            if not conflicted(reasons) or attempt == attempts:
                return reasons
            time.sleep(0.01 * 2**attempt)

    def _add_touchpoint(self, lead: Lead, existing_id: str, delivery_id: str, expires: int) -> IngestResult:
        try:
            self._db.transact_write_items(
                TransactItems=[
                    self._put_event_marker(lead, existing_id, "touchpoint", delivery_id, expires),  # type: ignore[list-item]
                    {
                        "Update": {
                            "TableName": self._table,
                            "Key": lead_key(lead.partner_id, existing_id),
                            "UpdateExpression": "SET touch_count = if_not_exists(touch_count, :one) + :one, "
                            "touch_last_seen = :now, version = version + :one",
                            "ConditionExpression": "attribute_exists(PK)",
                            "ExpressionAttributeValues": {
                                ":one": {"N": "1"},
                                ":now": {"S": lead.created_at.isoformat()},
                            },
                        }
                    },
                ]
            )
        except ClientError as error:
            reasons = cancellation_reasons(error)
            if not failed_condition(reasons, 0):
                raise RuntimeError(
                    f"touchpoint on {existing_id} not stored: cancelled with {codes(reasons)}"
                ) from error
            # Lost a race with a concurrent delivery of the same event: it already counted.
            marker = reasons[0].get("Item") or self._get(event_marker_key(lead.partner_id, lead.event_id))
            return _event_marker(marker).duplicate(delivery_id)
        return IngestResult(IngestOutcome.TOUCHPOINT, existing_id)

    def _put_event_marker(
        self, lead: Lead, lead_id: str, made: str, delivery_id: str, expires: int
    ) -> dict[str, Any]:
        """The event-id marker: which lead this producer event made (or was folded into), and by
        which SQS message, so a redelivery of that same message knows to publish again."""
        pk, sk = event_marker_key(lead.partner_id, lead.event_id)
        return {
            "Put": {
                "TableName": self._table,
                "Item": {
                    "PK": {"S": pk},
                    "SK": {"S": sk},
                    "type": {"S": "event"},
                    "made": {"S": made},
                    "lead_id": {"S": lead_id},
                    "delivery_id": {"S": delivery_id},
                    "ttl": {"N": str(expires)},
                },
                "ConditionExpression": "attribute_not_exists(PK)",
                "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
            }
        }

    def _get(self, key: MarkerItemKey) -> Mapping[str, Any]:
        pk, sk = key
        found = self._db.get_item(
            TableName=self._table, Key={"PK": {"S": pk}, "SK": {"S": sk}}, ConsistentRead=True
        )
        if "Item" not in found:
            raise RuntimeError(f"{pk}/{sk} vanished during a conditional write")
        return found["Item"]


def _event_marker(item: Mapping[str, Any]) -> EventMarker:
    return EventMarker(
        lead_id=item["lead_id"]["S"],
        made_lead=item.get("made", {}).get("S") == "lead",
        delivery_id=item.get("delivery_id", {}).get("S"),
    )


def _dedupe_marker(item: Mapping[str, Any]) -> DedupeMarker:
    return DedupeMarker(item["lead_id"]["S"], datetime.fromisoformat(item["window_end"]["S"]))
