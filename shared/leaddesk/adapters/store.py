"""DynamoDB single-table store for leads (see docs/data_model.md).

Every key starts with the partner (`P#<partner>`), so a request can only ever reach its own
tenant's items. The lead itself is kept as one JSON document; the attributes that indexes
and filters need are copied beside it, and the few that change atomically (version,
favorite, touchpoints) live only beside it.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

from leaddesk.domain.dedupe import DEDUPE_WINDOW
from leaddesk.domain.models import Lead, LeadStatus, Tab, Touchpoints

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

BY_TAB = "ByTab"
BY_TAB_STATUS = "ByTabStatus"
FAVORITES = "Favorites"
DUE = "Due"

IDEMPOTENCY_TTL = timedelta(days=30)
_MUTABLE = {"version", "favorite", "touchpoints"}
_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def partner_key(partner_id: str) -> str:
    return f"P#{partner_id}"


def lead_key(partner_id: str, lead_id: str) -> dict[str, Any]:
    return {"PK": {"S": partner_key(partner_id)}, "SK": {"S": f"L#{lead_id}"}}


def _tab_key(partner_id: str, tab: Tab) -> str:
    return f"{partner_key(partner_id)}#T#{tab.value}"


def _tab_status_key(partner_id: str, tab: Tab, status: LeadStatus) -> str:
    return f"{_tab_key(partner_id, tab)}#S#{status.value}"


def _s(value: str | None) -> dict[str, Any] | None:
    return {"S": value} if value else None


def lead_to_item(lead: Lead) -> dict[str, Any]:
    """The lead's DynamoDB item: document + index keys + filterable attributes."""
    doc = lead.model_dump_json(exclude=_MUTABLE | {"tab", "etag"})
    attributes: dict[str, dict[str, Any] | None] = {
        **lead_key(lead.partner_id, lead.lead_id),
        "type": {"S": "lead"},
        "doc": {"S": doc},
        "version": {"N": str(lead.version)},
        "favorite": {"BOOL": lead.favorite},
        "is_test": {"BOOL": lead.is_test},
        "lead_id": {"S": lead.lead_id},
        "tab": {"S": lead.tab.value},
        "status": {"S": lead.status.value},
        "lead_type": {"S": lead.lead_type.value},
        "created_at": {"S": lead.created_at.isoformat()},
        "country": _s(lead.customer.country),
        "customer_name": _s((lead.customer.company or "").lower() or None),
        "lead_quality": {"S": lead.lead_quality.value},
        "lead_source": _s(lead.lead_source.value if lead.lead_source else None),
        "call_to_action": _s(lead.call_to_action.value if lead.call_to_action else None),
        "email_validity": {"S": lead.email_validity.value},
        "phone_validity": {"S": lead.phone_validity.value},
        "estimated_value": {"N": str(lead.estimated_value)} if lead.estimated_value is not None else None,
        "GSI1PK": {"S": _tab_key(lead.partner_id, lead.tab)},
        "GSI1SK": {"S": lead.lead_id},
        "GSI2PK": {"S": _tab_status_key(lead.partner_id, lead.tab, lead.status)},
        "GSI2SK": {"S": lead.lead_id},
    }
    if lead.favorite:
        attributes["GSI3PK"] = {"S": f"{partner_key(lead.partner_id)}#FAV"}
        attributes["GSI3SK"] = {"S": lead.lead_id}
    if lead.touchpoints:
        attributes["touch_count"] = {"N": str(lead.touchpoints.count)}
        attributes["touch_last_seen"] = {"S": lead.touchpoints.last_seen_at.isoformat()}
    return {name: value for name, value in attributes.items() if value is not None}


def item_to_lead(item: Mapping[str, Any]) -> Lead:
    data = json.loads(item["doc"]["S"])
    data["version"] = int(item["version"]["N"])
    data["favorite"] = item.get("favorite", {}).get("BOOL", False)
    if "touch_count" in item:
        data["touchpoints"] = Touchpoints(
            count=int(item["touch_count"]["N"]),
            last_seen_at=datetime.fromisoformat(item["touch_last_seen"]["S"]),
        )
    return Lead.model_validate(data)


class CursorError(ValueError):
    """The cursor is not one this API handed to this partner for this query."""


def encode_cursor(last_key: Mapping[str, Any] | None) -> str | None:
    if not last_key:
        return None
    plain = {name: _deserializer.deserialize(value) for name, value in last_key.items()}
    return base64.urlsafe_b64encode(json.dumps(plain, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, partner_id: str) -> dict[str, Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        plain = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(plain, dict) or not all(isinstance(v, str) for v in plain.values()):
            raise ValueError("not a key")
    except ValueError as error:
        raise CursorError("cursor is not valid") from error
    if plain.get("PK") != partner_key(partner_id):
        raise CursorError("cursor is not valid")
    return {name: _serializer.serialize(value) for name, value in plain.items()}


class IngestOutcome(StrEnum):
    CREATED = "created"
    DUPLICATE = "duplicate"  # same event id seen before
    TOUCHPOINT = "touchpoint"  # same customer/offer/action within 24 h


@dataclass(frozen=True)
class IngestResult:
    outcome: IngestOutcome
    lead_id: str
    # True when this delivery (same SQS message) already stored the lead but may not have
    # published its event: the caller publishes again rather than risk a silent lead.
    redelivery: bool = False


@dataclass(frozen=True)
class Page:
    leads: list[Lead]
    cursor: str | None
    items_read: int


Marker = Mapping[str, Any]
MarkerKey = tuple[str, str]  # (PK, SK) of an event-id or dedupe marker
_BATCH_GET_LIMIT = 100  # BatchGetItem's limit per call


def event_marker_key(partner_id: str, event_id: str) -> MarkerKey:
    return partner_key(partner_id), f"E#{event_id}"


def dedupe_marker_key(partner_id: str, dedupe: str) -> MarkerKey:
    return partner_key(partner_id), f"D#{dedupe}"


class LeadStore:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._db = client
        self._table = table_name

    # --- ingest ------------------------------------------------------------------------
    def read_markers(self, keys: Iterable[MarkerKey]) -> dict[MarkerKey, Marker]:
        """The event-id and dedupe markers that exist among `keys`, read with BatchGetItem.

        Reads are not writes: knowing the markers up front lets a duplicate event cost no
        write at all and a touchpoint a single one. The conditional writes stay the guard
        against races; this is only the cheap path for the common case.
        """
        wanted = list(dict.fromkeys(keys))
        found: dict[MarkerKey, Marker] = {}
        for start in range(0, len(wanted), _BATCH_GET_LIMIT):
            request: dict[str, Any] = {
                self._table: {
                    "Keys": [{"PK": {"S": pk}, "SK": {"S": sk}} for pk, sk in wanted[start : start + 100]],
                    "ConsistentRead": True,
                }
            }
            for attempt in range(5):
                answer = self._db.batch_get_item(RequestItems=request)
                for item in answer.get("Responses", {}).get(self._table, []):
                    found[(item["PK"]["S"], item["SK"]["S"])] = item
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
        partner = partner_key(lead.partner_id)
        now = lead.created_at
        expires = int((now + IDEMPOTENCY_TTL).timestamp())
        seen_event = known.get(event_marker_key(lead.partner_id, lead.event_id))
        if seen_event is not None:
            return _duplicate(seen_event, delivery_id)
        seen_repeat = known.get(dedupe_marker_key(lead.partner_id, dedupe)) if dedupe else None
        if seen_repeat is not None and seen_repeat["window_end"]["S"] > now.isoformat():
            return self._add_touchpoint(lead, seen_repeat["lead_id"]["S"], delivery_id, expires)
        items: list[dict[str, Any]] = [
            {
                "Put": {
                    "TableName": self._table,
                    "Item": _event_marker(partner, lead, lead.lead_id, "lead", delivery_id, expires),
                    "ConditionExpression": "attribute_not_exists(PK)",
                    "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                }
            },
            {
                "Put": {
                    "TableName": self._table,
                    "Item": lead_to_item(lead),
                    "ConditionExpression": "attribute_not_exists(PK)",
                }
            },
        ]
        if dedupe:
            window_end = now + DEDUPE_WINDOW
            items.append(
                {
                    "Put": {
                        "TableName": self._table,
                        "Item": {
                            "PK": {"S": partner},
                            "SK": {"S": f"D#{dedupe}"},
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
        try:
            self._db.transact_write_items(TransactItems=items)  # type: ignore[arg-type]
            return IngestResult(IngestOutcome.CREATED, lead.lead_id)
        except ClientError as error:
            if error.response["Error"]["Code"] != "TransactionCanceledException":
                raise
            reasons: list[Any] = list(error.response.get("CancellationReasons", []))
        codes = [r.get("Code") for r in reasons]
        if codes and codes[0] == "ConditionalCheckFailed":
            return _duplicate(reasons[0].get("Item") or self._get(partner, f"E#{lead.event_id}"), delivery_id)
        if len(codes) > 2 and codes[2] == "ConditionalCheckFailed" and dedupe:
            existing = reasons[2].get("Item") or self._get(partner, f"D#{dedupe}")
            return self._add_touchpoint(lead, existing["lead_id"]["S"], delivery_id, expires)
        raise RuntimeError(f"lead {lead.lead_id} not stored: transaction cancelled with {codes}")

    def _add_touchpoint(self, lead: Lead, existing_id: str, delivery_id: str, expires: int) -> IngestResult:
        partner = partner_key(lead.partner_id)
        try:
            self._db.transact_write_items(
                TransactItems=[
                    {
                        "Put": {
                            "TableName": self._table,
                            "Item": _event_marker(
                                partner, lead, existing_id, "touchpoint", delivery_id, expires
                            ),
                            "ConditionExpression": "attribute_not_exists(PK)",
                            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                        }
                    },
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
            if error.response["Error"]["Code"] != "TransactionCanceledException":
                raise
            reasons: list[Any] = list(error.response.get("CancellationReasons", []))
            if not reasons or reasons[0].get("Code") != "ConditionalCheckFailed":
                codes = [r.get("Code") for r in reasons]
                raise RuntimeError(
                    f"touchpoint on {existing_id} not stored: cancelled with {codes}"
                ) from error
            # Lost a race with a concurrent delivery of the same event: it already counted.
            return _duplicate(reasons[0].get("Item") or self._get(partner, f"E#{lead.event_id}"), delivery_id)
        return IngestResult(IngestOutcome.TOUCHPOINT, existing_id)

    def _get(self, partner: str, sort_key: str) -> dict[str, Any]:
        found = self._db.get_item(
            TableName=self._table, Key={"PK": {"S": partner}, "SK": {"S": sort_key}}, ConsistentRead=True
        )
        if "Item" not in found:
            raise RuntimeError(f"{partner}/{sort_key} vanished during a conditional write")
        return dict(found["Item"])

    # --- reads -------------------------------------------------------------------------
    def get_lead(self, partner_id: str, lead_id: str) -> Lead | None:
        found = self._db.get_item(
            TableName=self._table, Key=lead_key(partner_id, lead_id), ConsistentRead=True
        )
        item = found.get("Item")
        return item_to_lead(item) if item else None

    def list_tab(self, partner_id: str, tab: Tab, limit: int, cursor: str | None = None) -> Page:
        """A tab's leads, newest first (lead ids are ULIDs, so id order is receipt order)."""
        if tab is Tab.FAVORITES:
            index, key_name, key_value = FAVORITES, "GSI3PK", f"{partner_key(partner_id)}#FAV"
        else:
            index, key_name, key_value = BY_TAB, "GSI1PK", _tab_key(partner_id, tab)
        request: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": index,
            "KeyConditionExpression": "#pk = :pk",
            "FilterExpression": "is_test = :false",
            "ExpressionAttributeNames": {"#pk": key_name},
            "ExpressionAttributeValues": {":pk": {"S": key_value}, ":false": {"BOOL": False}},
            "ScanIndexForward": False,
            "Limit": limit,
        }
        if cursor:
            request["ExclusiveStartKey"] = decode_cursor(cursor, partner_id)
        leads: list[Lead] = []
        items_read = 0
        while True:
            answer = self._db.query(**request)
            items_read += answer.get("ScannedCount", 0)
            leads.extend(item_to_lead(item) for item in answer.get("Items", []))
            last_key = answer.get("LastEvaluatedKey")
            if len(leads) >= limit or not last_key:
                break
            request["ExclusiveStartKey"] = last_key
            request["Limit"] = limit - len(leads)
        if len(leads) > limit:
            leads = leads[:limit]
        next_cursor = encode_cursor(_page_key(leads[-1], tab)) if leads and last_key else None
        return Page(leads=leads, cursor=next_cursor, items_read=items_read)


def _event_marker(
    partner: str, lead: Lead, lead_id: str, made: str, delivery_id: str, expires: int
) -> dict[str, Any]:
    """The event-id marker: which lead this producer event made (or was folded into), and by
    which SQS message, so a redelivery of that same message knows to publish again."""
    return {
        "PK": {"S": partner},
        "SK": {"S": f"E#{lead.event_id}"},
        "type": {"S": "event"},
        "made": {"S": made},
        "lead_id": {"S": lead_id},
        "delivery_id": {"S": delivery_id},
        "ttl": {"N": str(expires)},
    }


def _duplicate(marker: Mapping[str, Any], delivery_id: str) -> IngestResult:
    made_lead = marker.get("made", {}).get("S") == "lead"
    same_delivery = marker.get("delivery_id", {}).get("S") == delivery_id
    return IngestResult(
        IngestOutcome.DUPLICATE, marker["lead_id"]["S"], redelivery=made_lead and same_delivery
    )


def _page_key(lead: Lead, tab: Tab) -> dict[str, Any]:
    """The index key of the last lead on a page, so the next page starts right after it."""
    key = lead_key(lead.partner_id, lead.lead_id)
    if tab is Tab.FAVORITES:
        key |= {"GSI3PK": {"S": f"{partner_key(lead.partner_id)}#FAV"}, "GSI3SK": {"S": lead.lead_id}}
    else:
        key |= {"GSI1PK": {"S": _tab_key(lead.partner_id, tab)}, "GSI1SK": {"S": lead.lead_id}}
    return key


def utc_now() -> datetime:
    return datetime.now(UTC)
