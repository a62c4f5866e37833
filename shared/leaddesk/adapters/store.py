"""DynamoDB single-table store for leads (see docs/architecture.md, "Data").

Every key starts with the partner (`P#<partner>`), so a request can only ever reach its own
tenant's items. The lead itself is kept as one JSON document; the attributes that indexes
and filters need are copied beside it, and the few that change atomically (version,
favorite, touchpoints) live only beside it.
"""

from __future__ import annotations

import base64
import json
import math
import os
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError
from ulid import ULID

from leaddesk.domain.dedupe import DEDUPE_WINDOW
from leaddesk.domain.filters import LeadQuery, Order, Sort, name_sort_key, value_sort_key
from leaddesk.domain.lifecycle import DEFAULT_EXPIRY_DAYS, next_due
from leaddesk.domain.models import Lead, LeadStatus, Tab, Touchpoints

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

BY_TAB = "ByTab"
BY_TAB_STATUS = "ByTabStatus"
FAVORITES = "Favorites"
DUE = "Due"
BY_TAB_NAME = "ByTabName"
BY_TAB_VALUE = "ByTabValue"
DUE_PARTITION = "DUE"
MAX_ITEMS_READ = 2000  # per page: a selective filter returns a short page + cursor beyond this
MAX_BATCH = 1000
MAX_FAVORITES_SORTED = 5000

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


def due_time_text(moment: datetime) -> str:
    """Fixed-width UTC text, so that string order is time order in the Due index."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def expiry_days() -> int:
    """The expiry period (LEAD_EXPIRY_DAYS, set by template.yaml on every function)."""
    return int(os.environ.get("LEAD_EXPIRY_DAYS") or DEFAULT_EXPIRY_DAYS)


def lead_to_item(lead: Lead, expiry: int | None = None) -> dict[str, Any]:
    """The lead's DynamoDB item: document + index keys + filterable attributes.

    A lead with a pending timed rule also carries the sparse Due index keys, so every writer
    (ingest included) schedules the sweep without knowing the rules.
    """
    due = next_due(lead, expiry if expiry is not None else expiry_days())
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
        "GSI4PK": {"S": _tab_key(lead.partner_id, lead.tab)},
        "GSI4SK": {"S": name_sort_key(lead)},
        "GSI5PK": {"S": _tab_key(lead.partner_id, lead.tab)},
        "GSI5SK": {"S": value_sort_key(lead)},
        "DUEPK": {"S": DUE_PARTITION} if due else None,
        "DUESK": {"S": f"{due_time_text(due)}#{lead.partner_id}#{lead.lead_id}"} if due else None,
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

    def query_leads(
        self,
        partner_id: str,
        query: LeadQuery,
        limit: int,
        cursor: str | None = None,
        max_items_read: int = MAX_ITEMS_READ,
    ) -> Page:
        """One page of a tab under filters and a sort; never a Scan.

        The key condition does what it can (tab, status, creation window via ULID bounds, the
        cursor position); the other filters are FilterExpressions. Several statuses are several
        queries merged in sort order. A page stops early (with a cursor) once `max_items_read`
        items were read, so a very selective filter costs bounded work per request.
        """
        after = decode_position(cursor, partner_id, query) if cursor else None
        if query.tab is Tab.FAVORITES and query.sort is not Sort.CREATED_AT:
            return self._favorites_sorted(partner_id, query, limit, after)
        streams = self._streams(partner_id, query)
        descending = query.order is Order.DESC
        results = [
            self._fetch(stream, query, limit, after, max_items_read // len(streams)) for stream in streams
        ]
        items_read = sum(r.items_read for r in results)
        unfinished = [r.evaluated_to for r in results if r.evaluated_to is not None]
        threshold = (max(unfinished) if descending else min(unfinished)) if unfinished else None
        candidates = [
            (key, item)
            for r in results
            for key, item in r.items
            if threshold is None or (key >= threshold if descending else key <= threshold)
        ]
        candidates.sort(key=lambda pair: pair[0], reverse=descending)
        taken = candidates[:limit]
        if len(candidates) > limit:
            position: str | None = taken[-1][0]
        else:
            position = threshold
        return Page(
            leads=[item_to_lead(item) for _, item in taken],
            cursor=encode_position(partner_id, query, position) if position is not None else None,
            items_read=items_read,
        )

    def _streams(self, partner_id: str, query: LeadQuery) -> list[_Stream]:
        if query.tab is Tab.FAVORITES:
            return [
                _Stream(FAVORITES, "GSI3PK", f"{partner_key(partner_id)}#FAV", "GSI3SK", uses_status=False)
            ]
        tab_key = _tab_key(partner_id, query.tab)
        if query.sort is Sort.CUSTOMER_NAME:
            return [_Stream(BY_TAB_NAME, "GSI4PK", tab_key, "GSI4SK", uses_status=False)]
        if query.sort is Sort.ESTIMATED_VALUE:
            return [_Stream(BY_TAB_VALUE, "GSI5PK", tab_key, "GSI5SK", uses_status=False)]
        if query.statuses:
            return [
                _Stream(
                    BY_TAB_STATUS,
                    "GSI2PK",
                    _tab_status_key(partner_id, query.tab, LeadStatus(s)),
                    "GSI2SK",
                    True,
                )
                for s in sorted(query.statuses)
            ]
        return [_Stream(BY_TAB, "GSI1PK", tab_key, "GSI1SK", uses_status=False)]

    def _fetch(
        self, stream: _Stream, query: LeadQuery, limit: int, after: str | None, budget: int
    ) -> _StreamResult:
        descending = query.order is Order.DESC
        names: dict[str, str] = {"#pk": stream.pk_name}
        values: dict[str, Any] = {":pk": {"S": stream.pk_value}}
        key_condition = "#pk = :pk"
        low, high = None, None
        if query.sort is Sort.CREATED_AT:
            low = ulid_floor(query.created_from) if query.created_from else None
            high = ulid_ceiling(query.created_to) if query.created_to else None
        if after is not None:
            if descending:
                high = after if high is None else min(high, after)
            else:
                low = after if low is None else max(low, after)
        if low is not None or high is not None:
            names["#sk"] = stream.sk_name
        if low is not None and high is not None:
            key_condition += " AND #sk BETWEEN :low AND :high"
            values |= {":low": {"S": low}, ":high": {"S": high}}
        elif low is not None:
            key_condition += " AND #sk >= :low"
            values[":low"] = {"S": low}
        elif high is not None:
            key_condition += " AND #sk <= :high"
            values[":high"] = {"S": high}
        filters = _filter_expression(query, names, values, skip_status=stream.uses_status)
        request: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": stream.index,
            "KeyConditionExpression": key_condition,
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
            "ScanIndexForward": not descending,
        }
        if filters:
            request["FilterExpression"] = filters
        found: list[tuple[str, dict[str, Any]]] = []
        items_read = 0
        batch = limit + (1 if after is not None else 0)
        while True:
            request["Limit"] = max(1, min(batch, MAX_BATCH, budget - items_read))
            answer = self._db.query(**request)
            items_read += answer.get("ScannedCount", 0)
            for item in answer.get("Items", []):
                key = item[stream.sk_name]["S"]
                if key != after:
                    found.append((key, dict(item)))
            last_key = answer.get("LastEvaluatedKey")
            if not last_key:
                return _StreamResult(found, None, items_read)
            if len(found) >= limit or items_read >= budget:
                return _StreamResult(found, last_key[stream.sk_name]["S"], items_read)
            request["ExclusiveStartKey"] = last_key
            needed = limit - len(found)
            # Read ahead by the selectivity seen so far (a filter that keeps 1 in 20 reads ~20x).
            batch = math.ceil(needed * items_read / max(len(found), 1) * 1.2)

    def _favorites_sorted(self, partner_id: str, query: LeadQuery, limit: int, after: str | None) -> Page:
        """Favorites are a short list: read it (bounded) and sort it in memory by name or value."""
        names: dict[str, str] = {"#pk": "GSI3PK"}
        values: dict[str, Any] = {":pk": {"S": f"{partner_key(partner_id)}#FAV"}}
        created = _created_filter(query, names, values)
        filters = " AND ".join(
            part for part in (_filter_expression(query, names, values, skip_status=False), created) if part
        )
        request: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": FAVORITES,
            "KeyConditionExpression": "#pk = :pk",
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
        }
        if filters:
            request["FilterExpression"] = filters
        sort_attribute = "GSI4SK" if query.sort is Sort.CUSTOMER_NAME else "GSI5SK"
        descending = query.order is Order.DESC
        keyed: list[tuple[str, dict[str, Any]]] = []
        items_read = 0
        while items_read < MAX_FAVORITES_SORTED:
            answer = self._db.query(**request)
            items_read += answer.get("ScannedCount", 0)
            keyed.extend((item[sort_attribute]["S"], dict(item)) for item in answer.get("Items", []))
            if "LastEvaluatedKey" not in answer:
                break
            request["ExclusiveStartKey"] = answer["LastEvaluatedKey"]
        if after is not None:
            keyed = [(k, i) for k, i in keyed if (k < after if descending else k > after)]
        keyed.sort(key=lambda pair: pair[0], reverse=descending)
        taken = keyed[:limit]
        cursor = encode_position(partner_id, query, taken[-1][0]) if len(keyed) > limit else None
        return Page([item_to_lead(item) for _, item in taken], cursor, items_read)

    # --- counts -----------------------------------------------------------------------------
    def count(self, partner_id: str, tab: Tab, status: LeadStatus | None, include_test: bool = False) -> int:
        """How many leads (Select=COUNT on an index; reads every counted item, returns none)."""
        names: dict[str, str] = {"#pk": "GSI2PK"}
        values: dict[str, Any] = {}
        if tab is Tab.FAVORITES:
            names["#pk"] = "GSI3PK"
            values[":pk"] = {"S": f"{partner_key(partner_id)}#FAV"}
            index = FAVORITES
        elif status is None:
            names["#pk"] = "GSI1PK"
            values[":pk"] = {"S": _tab_key(partner_id, tab)}
            index = BY_TAB
        else:
            values[":pk"] = {"S": _tab_status_key(partner_id, tab, status)}
            index = BY_TAB_STATUS
        conditions = []
        if not include_test:
            conditions.append("is_test = :false")
            values[":false"] = {"BOOL": False}
        if tab is Tab.FAVORITES and status is not None:
            conditions.append("#status = :status")
            names["#status"] = "status"
            values[":status"] = {"S": status.value}
        request: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": index,
            "KeyConditionExpression": "#pk = :pk",
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
            "Select": "COUNT",
        }
        if conditions:
            request["FilterExpression"] = " AND ".join(conditions)
        total = 0
        while True:
            answer = self._db.query(**request)
            total += answer.get("Count", 0)
            if "LastEvaluatedKey" not in answer:
                return total
            request["ExclusiveStartKey"] = answer["LastEvaluatedKey"]

    # --- changes ------------------------------------------------------------------------------
    def update_lead(self, before: Lead, after: Lead) -> None:
        """Write a lifecycle change if nobody changed the lead since `before` was read.

        Conditional on (version, status): of two concurrent changes exactly one succeeds; the
        other gets `StaleLead` and must re-read. Favorite and touchpoints are left as they are.
        """
        item = lead_to_item(after)
        kept = {"PK", "SK", "favorite", "GSI3PK", "GSI3SK", "touch_count", "touch_last_seen"}
        names: dict[str, str] = {}
        values: dict[str, Any] = {}
        sets: list[str] = []
        for index, (name, value) in enumerate(sorted(item.items())):
            if name in kept:
                continue
            names[f"#a{index}"] = name
            values[f":a{index}"] = value
            sets.append(f"#a{index} = :a{index}")
        removes = []
        for index, name in enumerate(sorted(_OPTIONAL_ATTRIBUTES - set(item))):
            names[f"#r{index}"] = name
            removes.append(f"#r{index}")
        names |= {"#version": "version", "#status": "status"}
        values |= {":expected": {"N": str(before.version)}, ":from": {"S": before.status.value}}
        expression = "SET " + ", ".join(sets) + (" REMOVE " + ", ".join(removes) if removes else "")
        try:
            self._db.update_item(
                TableName=self._table,
                Key=lead_key(after.partner_id, after.lead_id),
                UpdateExpression=expression,
                ConditionExpression="#version = :expected AND #status = :from",
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
            )
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                raise StaleLead(after.lead_id) from error
            raise

    def set_favorite(self, partner_id: str, lead_id: str, favorite: bool) -> bool:
        """Mark or unmark a lead as favorite (idempotent); False when the partner has no such lead."""
        if favorite:
            expression = "SET favorite = :true, GSI3PK = :pk, GSI3SK = :sk"
            values: dict[str, Any] = {
                ":true": {"BOOL": True},
                ":pk": {"S": f"{partner_key(partner_id)}#FAV"},
                ":sk": {"S": lead_id},
            }
        else:
            expression = "SET favorite = :false REMOVE GSI3PK, GSI3SK"
            values = {":false": {"BOOL": False}}
        try:
            self._db.update_item(
                TableName=self._table,
                Key=lead_key(partner_id, lead_id),
                UpdateExpression=expression,
                ConditionExpression="attribute_exists(PK)",
                ExpressionAttributeValues=values,
            )
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        return True

    # --- timed rules ----------------------------------------------------------------------------
    def due(self, now: datetime, page_size: int = 100) -> Iterator[tuple[str, str]]:
        """(partner, lead id) of every lead whose next timed rule is due at `now`, soonest first."""
        request: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": DUE,
            "KeyConditionExpression": "DUEPK = :due AND DUESK <= :now",
            "ExpressionAttributeValues": {
                ":due": {"S": DUE_PARTITION},
                ":now": {"S": due_time_text(now) + "#\uffff"},
            },
            "Limit": page_size,
        }
        while True:
            answer = self._db.query(**request)
            for item in answer.get("Items", []):
                yield item["PK"]["S"].removeprefix("P#"), item["SK"]["S"].removeprefix("L#")
            if "LastEvaluatedKey" not in answer:
                return
            request["ExclusiveStartKey"] = answer["LastEvaluatedKey"]


_OPTIONAL_ATTRIBUTES = frozenset(
    {"country", "customer_name", "lead_source", "call_to_action", "estimated_value", "DUEPK", "DUESK"}
)


class StaleLead(Exception):
    """The lead changed since it was read (a conditional write lost a race)."""


@dataclass(frozen=True)
class _Stream:
    index: str
    pk_name: str
    pk_value: str
    sk_name: str
    uses_status: bool  # the key already selects one status


@dataclass
class _StreamResult:
    items: list[tuple[str, dict[str, Any]]]
    evaluated_to: str | None  # sort key read up to, when the stream has more
    items_read: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


_FILTER_ATTRIBUTES = {
    "call_to_action": "call_to_action",
    "lead_source": "lead_source",
    "lead_type": "lead_type",
    "lead_quality": "lead_quality",
    "status": "status",
    "email_validity": "email_validity",
    "phone_validity": "phone_validity",
    "country": "country",
}


def _filter_expression(
    query: LeadQuery, names: dict[str, str], values: dict[str, Any], skip_status: bool
) -> str:
    """The filters the key could not express, as one FilterExpression (AND across, OR within)."""
    parts: list[str] = []
    if not query.include_test:
        parts.append("is_test = :false")
        values[":false"] = {"BOOL": False}
    for f_index, (name, allowed) in enumerate(sorted(query.equals.items())):
        if name == "status" and skip_status:
            continue
        names[f"#f{f_index}"] = _FILTER_ATTRIBUTES[name]
        placeholders = []
        for v_index, value in enumerate(sorted(allowed)):
            values[f":f{f_index}v{v_index}"] = {"S": value}
            placeholders.append(f":f{f_index}v{v_index}")
        parts.append(f"#f{f_index} IN ({', '.join(placeholders)})")
    if query.customer_name:
        names["#cn"] = "customer_name"
        alternatives = []
        for c_index, part in enumerate(query.customer_name):
            values[f":cn{c_index}"] = {"S": part}
            alternatives.append(f"contains(#cn, :cn{c_index})")
        parts.append("(" + " OR ".join(alternatives) + ")")
    if query.sort is not Sort.CREATED_AT:
        created = _created_filter(query, names, values)
        if created:
            parts.append(created)
    return " AND ".join(parts)


def _created_filter(query: LeadQuery, names: dict[str, str], values: dict[str, Any]) -> str:
    """Creation window on `created_at` (for indexes whose sort key is not the lead id)."""
    parts = []
    if query.created_from or query.created_to:
        names["#created"] = "created_at"
    if query.created_from:
        values[":cfrom"] = {"S": _ms_floor(query.created_from).isoformat()}
        parts.append("#created >= :cfrom")
    if query.created_to:
        values[":cto"] = {"S": (_ms_floor(query.created_to) + timedelta(microseconds=999)).isoformat()}
        parts.append("#created <= :cto")
    return " AND ".join(parts)


def _ms_floor(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(microsecond=moment.microsecond // 1000 * 1000)


def ulid_floor(moment: datetime) -> str:
    """The smallest lead id (ULID) of that millisecond."""
    return str(ULID.from_bytes(ULID.from_datetime(moment).bytes[:6] + b"\x00" * 10))


def ulid_ceiling(moment: datetime) -> str:
    """The largest lead id (ULID) of that millisecond."""
    return str(ULID.from_bytes(ULID.from_datetime(moment).bytes[:6] + b"\xff" * 10))


def _query_tag(query: LeadQuery) -> str:
    return f"{query.tab.value}/{query.sort.value}/{query.order.value}"


def encode_position(partner_id: str, query: LeadQuery, position: str) -> str:
    """An opaque cursor: the sort key to continue after, bound to the partner and the sort."""
    plain = {"PK": partner_key(partner_id), "q": _query_tag(query), "k": position}
    return base64.urlsafe_b64encode(json.dumps(plain, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_position(cursor: str, partner_id: str, query: LeadQuery) -> str:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        plain = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(plain, dict) or not all(isinstance(v, str) for v in plain.values()):
            raise ValueError("not a position")
    except ValueError as error:
        raise CursorError("cursor is not valid") from error
    if plain.get("PK") != partner_key(partner_id) or "k" not in plain:
        raise CursorError("cursor is not valid")
    if plain.get("q") != _query_tag(query):
        raise CursorError("cursor belongs to another tab or sort")
    position: str = plain["k"]
    return position


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


def utc_now() -> datetime:
    return datetime.now(UTC)
