"""DynamoDB capacity units per LeadDesk operation, measured on the requests the code really makes.

moto does not report consumed capacity, so this meter watches every DynamoDB request of the
service clients (botocore's before/after-call hooks), reads the item it touches before and after
(with a second client, not counted) and prices the write by DynamoDB's published rules:

- the table item: 1 unit per KB of the larger of the old and the new item, ×2 in a transaction;
- each global index, by what the index holds of the item (its key attributes, the table's key and
  the projected attributes, read from template.yaml): an entry put or deleted costs 1 unit per KB
  of that entry; an update that changes the index's key costs a delete plus a put; one that
  changes only projected attributes costs 1 per KB of the entry; one that changes none of them
  costs nothing.

A read costs 1 unit per 4 KB strongly consistent, half eventually consistent. Everything that
varies is seeded — the clock, the randomness of lead ids and of counter shards — so two runs
print the same figures. docs/scaling.md builds its capacity model on them.

    python -m bench capacity [--leads 600]
"""

from __future__ import annotations

import argparse
import base64
import json
import math
import os
import random
import threading
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bench._moto import in_process_aws

Item = Mapping[str, Any]  # an item in DynamoDB's typed JSON
TABLE_KEYS = ("PK", "SK")
START = datetime(2026, 3, 2, 9, 0, 0, 123, tzinfo=UTC)  # the bench's fixed clock starts here
SEED = 20260302


def attribute_size(value: Any) -> int:
    """DynamoDB's size of an attribute value (typed JSON), in bytes."""
    ((kind, inner),) = value.items()
    if kind == "S":
        return len(inner.encode())
    if kind == "N":
        return len(inner.lstrip("-").replace(".", "")) // 2 + 1
    if kind == "B":  # DynamoDB counts the raw bytes (base64 text in a request as sent)
        return len(inner) if isinstance(inner, bytes) else len(base64.b64decode(inner))
    if kind in {"BOOL", "NULL"}:
        return 1
    if kind == "M":
        return 3 + sum(len(k.encode()) + attribute_size(v) for k, v in inner.items())
    if kind == "L":
        return 3 + sum(attribute_size(v) for v in inner)
    return len(json.dumps(inner))


def item_size(item: Item) -> int:
    return sum(len(name.encode()) + attribute_size(value) for name, value in item.items())


def kilobytes(item: Item) -> int:
    """Write units of one item written: 1 per KB, rounded up, at least 1."""
    return max(1, math.ceil(item_size(item) / 1024))


@dataclass(frozen=True)
class IndexSpec:
    """What a global index holds of an item: its key attributes and its projection."""

    name: str
    keys: tuple[str, ...]
    projection: str  # ALL | KEYS_ONLY | INCLUDE
    included: frozenset[str] = frozenset()

    def holds(self, item: Item) -> bool:
        """An item is in the index only when it carries every key attribute (sparse indexes)."""
        return bool(item) and all(key in item for key in self.keys)

    def entry(self, item: Item) -> dict[str, Any]:
        """The index's copy of the item: keys (its own and the table's) plus projected attributes."""
        if self.projection == "ALL":
            return dict(item)
        kept = set(self.keys) | set(TABLE_KEYS) | (self.included if self.projection == "INCLUDE" else set())
        return {name: value for name, value in item.items() if name in kept}


def index_write_units(index: IndexSpec, old: Item, new: Item) -> int:
    """Write units an index spends on one item going from `old` to `new` ({} = absent)."""
    was, now = index.holds(old), index.holds(new)
    if not was and not now:
        return 0
    if not was:
        return kilobytes(index.entry(new))
    if not now:
        return kilobytes(index.entry(old))
    before, after = index.entry(old), index.entry(new)
    if any(old[key] != new[key] for key in index.keys):
        return kilobytes(before) + kilobytes(after)  # a key change: a delete and a put
    if before != after:
        return max(kilobytes(before), kilobytes(after))
    return 0


def write_units(indexes: Iterable[IndexSpec], old: Item, new: Item, transactional: bool) -> int:
    """Write units of one item's write: the table item (larger of old and new, ×2 in a
    transaction) plus what each global index spends."""
    base = max(kilobytes(old), kilobytes(new)) * (2 if transactional else 1)
    return base + sum(index_write_units(index, old, new) for index in indexes)


def read_units(size: int, consistent: bool) -> float:
    units = max(1, math.ceil(size / 4096))
    return units if consistent else units / 2


def table_indexes(resource: Mapping[str, Any]) -> list[IndexSpec]:
    """The global indexes of a table resource of template.yaml, with their projections."""
    specs = []
    for index in resource["Properties"].get("GlobalSecondaryIndexes", []):
        projection = index.get("Projection", {})
        specs.append(
            IndexSpec(
                name=index["IndexName"],
                keys=tuple(key["AttributeName"] for key in index["KeySchema"]),
                projection=projection.get("ProjectionType", "KEYS_ONLY"),
                included=frozenset(projection.get("NonKeyAttributes", [])),
            )
        )
    return specs


class CapacityMeter:
    """Capacity units of the DynamoDB requests a client makes to one table, by operation."""

    def __init__(self, client: Any, reader: Any, table: str, indexes: list[IndexSpec]) -> None:
        self.reader = reader  # a second client: the meter's own reads are not counted
        self.table = table
        self.indexes = indexes
        self.wru = 0.0
        self.rru = 0.0
        self.requests: dict[str, int] = defaultdict(int)
        self._lock = threading.Lock()  # ingest writes from several threads
        client.meta.events.register("before-call.dynamodb.*", self._before)
        client.meta.events.register("after-call.dynamodb.*", self._after)

    def reset(self) -> None:
        self.wru = self.rru = 0.0
        self.requests.clear()

    def _stored(self, key: Item) -> dict[str, Any]:
        found: dict[str, Any] = self.reader.get_item(TableName=self.table, Key=key).get("Item", {})
        return found

    def _writes(self, model: Any, params: Mapping[str, Any]) -> list[tuple[dict[str, Any], bool]]:
        """The keys a write request touches, each with whether it is transactional."""
        operation = model.name
        if operation == "TransactWriteItems":
            found = []
            for entry in params["TransactItems"]:
                op = next(iter(entry.values()))
                found.append((_key(op), True))
            return found
        if operation in {"PutItem", "UpdateItem", "DeleteItem"}:
            return [(_key(params), False)]
        if operation == "BatchWriteItem":
            return [
                (_key(next(iter(request.values()))), False)
                for requests in params["RequestItems"].values()
                for request in requests
            ]
        return []

    def _before(self, model: Any, params: Mapping[str, Any], context: dict[str, Any], **_: Any) -> None:
        request = json.loads(params["body"])  # the request as sent
        context["capacity_request"] = request
        context["capacity_before"] = [
            (key, transactional, self._stored(key)) for key, transactional in self._writes(model, request)
        ]

    def _after(self, model: Any, parsed: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        params = context["capacity_request"]
        operation = model.name
        with self._lock:
            self.requests[operation] += 1
        if "Error" in parsed:
            return  # a refused write (a condition, a cancelled transaction) is priced as none here
        wru = 0.0
        rru = 0.0
        for key, transactional, old in context["capacity_before"]:
            new = self._stored(key)
            if old == new and old and operation == "TransactWriteItems":
                wru += kilobytes(old) * 2  # a ConditionCheck: the item's size, ×2
            else:
                wru += write_units(self.indexes, old, new, transactional)
        if operation == "GetItem":
            rru += read_units(item_size(parsed.get("Item", {})), params.get("ConsistentRead", False))
        elif operation == "BatchGetItem":
            consistent = any(v.get("ConsistentRead") for v in params["RequestItems"].values())
            for items in parsed.get("Responses", {}).values():
                rru += sum(read_units(item_size(i), consistent) for i in items) or read_units(0, consistent)
        elif operation == "Query":
            items = parsed.get("Items", [])
            average = sum(item_size(i) for i in items) / len(items) if items else 100
            rru += read_units(int(average * parsed.get("ScannedCount", len(items))), False)
        with self._lock:
            self.wru += wru
            self.rru += rru


def _key(op: Mapping[str, Any]) -> dict[str, Any]:
    source = op.get("Key") or op["Item"]
    return {name: source[name] for name in TABLE_KEYS}


class SteppingClock:
    """A fixed clock that moves 1 ms each time it is read: distinct, repeatable timestamps."""

    def __init__(self, start: datetime) -> None:
        self._next = start
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            now, self._next = self._next, self._next + timedelta(milliseconds=1)
        return now


def seed_everything() -> SteppingClock:
    """Freeze what varies from run to run: the services' clock, the randomness of lead ids (ULIDs)
    and of the counter shard a write picks."""
    import ulid

    from leaddesk.adapters import clock

    stepping = SteppingClock(START)
    clock.utc_now = stepping  # the composition root reads it when it builds the services
    ids = random.Random(SEED)
    ulid.default_generator.randomness_source = lambda _timestamp: ids.randbytes(10)
    random.seed(SEED)
    return stepping


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench capacity")
    parser.add_argument("--leads", type=int, default=600, help="new leads ingested (batches of 10)")
    options = parser.parse_args(argv)
    from moto import mock_aws

    in_process_aws(EMAIL_DELIVERABILITY="off")
    with mock_aws():
        rows, lead_size = measure(max(20, options.leads // 10))
    print("DynamoDB capacity units per operation (priced by DynamoDB's rules on this run's items)")
    print(f"  {'operation':<44}{'requests':>9}{'WRU':>8}{'RRU':>8}")
    for name, requests, wru, rru in rows:
        print(f"  {name:<44}{requests:>9.2f}{wru:>8.2f}{rru:>8.2f}")
    by_name = {name: wru for name, _, wru, _ in rows}
    life = by_name[INGEST] + by_name[ACCEPT] + by_name[EXPIRE]
    print(f"  {'a lead’s life: ingest + accept + expiry':<44}{'':>9}{life:>8.2f}")
    print(f"  lead item: {lead_size:.0f} bytes on average after ingest")


INGEST = "ingest: a new lead (batches of 10)"
ACCEPT = "POST /leads/{id}/accept"
EXPIRE = "sweep: per lead expired"


def measure(batches: int) -> tuple[list[tuple[str, float, float, float]], float]:
    clock = seed_everything()
    from leaddesk import composition
    from leaddesk.adapters import aws
    from leaddesk.domain.lifecycle import Action
    from leaddesk.domain.listing import LeadFilter
    from leaddesk.domain.requests import AcceptRequest
    from leaddesk.services.records import QueuedRecord
    from leaddesk_local.provision import client, provision
    from leaddesk_local.stack import merged_environment
    from leaddesk_local.template import Template

    template = Template.load()
    deployment = provision(template, None)
    os.environ |= merged_environment(template, deployment) | {"EMAIL_DELIVERABILITY": "off"}
    composition.reset()
    reader = client("dynamodb", None)
    table = deployment.refs["LeadsTable"]
    meter = CapacityMeter(aws.dynamodb(), reader, table, table_indexes(template.resources["LeadsTable"]))
    ingest, leads, sweep = (
        composition.ingest_service(),
        composition.leads_service(),
        composition.sweep_service(),
    )
    rows: list[tuple[str, float, float, float]] = []

    def row(name: str, per: int) -> None:
        rows.append((name, sum(meter.requests.values()) / per, meter.wru / per, meter.rru / per))
        meter.reset()

    def event(n: int, email: str, event_prefix: str = "cap") -> str:
        return json.dumps(
            {
                "detail-type": "Marketplace Lead",
                "detail": {
                    "partner_id": "p-cap",
                    "event_id": f"{event_prefix}-{n}",
                    "UserDetails": {"FirstName": "Ada", "LastName": "Lovelace", "Email": email,
                                    "Company": f"Contoso {n}", "Country": "US", "Phone": "+1 206 555 0100"},
                    "LeadSource": "AppSource-PLT | contoso.crm",
                    "Description": "We would like a demo for 40 seats before the end of the quarter.",
                },
            }
        )  # fmt: skip

    def batch(b: int, prefix: str, event_prefix: str = "cap") -> list[QueuedRecord]:
        return [
            QueuedRecord(f"{prefix}{b}-{k}", event(b * 10 + k, f"c{b * 10 + k}@contoso.com", event_prefix))
            for k in range(10)
        ]

    count = batches * 10
    meter.reset()
    for b in range(batches):
        ingest.ingest(batch(b, "m"))
    row(INGEST, count)
    lead_items = [
        item
        for answer in reader.get_paginator("scan").paginate(TableName=table)
        for item in answer["Items"]
        if item.get("type", {}).get("S") == "lead"
    ]
    lead_size = sum(item_size(item) for item in lead_items) / len(lead_items)
    meter.reset()
    for b in range(batches):
        ingest.ingest(batch(b, "d"))
    row("ingest: the same event again (duplicate)", count)
    for b in range(batches):
        ingest.ingest(batch(b, "t", "again"))
    row("ingest: a repeat within 24 h (touchpoint)", count)

    query = LeadFilter().to_query()
    for _ in range(10):
        page = leads.list("p-cap", query, 25, None)
    row("GET /leads: a page of 25", 10)
    for _ in range(10):
        leads.summary("p-cap")
    row("GET /leads/summary", 10)
    for lead in page.items[:10]:
        leads.get("p-cap", lead.lead_id)
    row("GET /leads/{id}", 10)
    chosen = [lead.lead_id for lead in leads.list("p-cap", query, 200, None).items]
    accepted, favorites = chosen[: len(chosen) // 2], chosen[len(chosen) // 2 :][:20]
    meter.reset()
    body = AcceptRequest(deal_name="Deal", estimated_value=1000, estimated_close_date="2027-01-31")
    for lead_id in accepted:
        leads.act("p-cap", lead_id, Action.ACCEPT, body, "u")
    row(ACCEPT, len(accepted))
    for lead_id in favorites:
        leads.set_favorite("p-cap", lead_id, True)
    row("PUT /leads/{id}/favorite", len(favorites))
    now = clock()
    expired = sweep.sweep(now + timedelta(days=20)).changed  # the leads still received
    row(EXPIRE, expired)
    sweep.sweep(now + timedelta(days=21))
    row("sweep: a run with nothing due (8 shards)", 1)
    return rows, lead_size


if __name__ == "__main__":
    main()
