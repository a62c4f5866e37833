"""DynamoDB capacity units per LeadDesk operation, measured on the requests the code really makes.

moto does not report consumed capacity, so this meter watches every DynamoDB request of the
service clients (botocore's before/after-call hooks) and prices it by DynamoDB's published
rules: a write costs 1 unit per KB of the item written (2 in a transaction) plus 1 per KB for
each global index the item is in (all projected); a read costs 1 unit per 4 KB read when
strongly consistent, half when eventually consistent. The item sizes are those of the items
written and read in this run. docs/scaling.md builds its capacity model on these figures.

    python -m bench capacity
"""

from __future__ import annotations

import argparse
import json
import math
import os
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

from bench._moto import in_process_aws

GSI_KEYS = ("GSI1PK", "GSI2PK", "GSI3PK", "GSI4PK", "GSI5PK", "DUEPK")  # the table's indexes


def attribute_size(value: Any) -> int:
    """DynamoDB's size of an attribute value (typed JSON), in bytes."""
    ((kind, inner),) = value.items()
    if kind == "S":
        return len(inner.encode())
    if kind == "N":
        return len(inner.lstrip("-").replace(".", "")) // 2 + 1
    if kind in {"BOOL", "NULL"}:
        return 1
    if kind == "M":
        return 3 + sum(len(k.encode()) + attribute_size(v) for k, v in inner.items())
    if kind == "L":
        return 3 + sum(attribute_size(v) for v in inner)
    return len(json.dumps(inner))


def item_size(item: dict[str, Any]) -> int:
    return sum(len(name.encode()) + attribute_size(value) for name, value in item.items())


def write_units(item: dict[str, Any], transactional: bool) -> float:
    kb = max(1, math.ceil(item_size(item) / 1024))
    indexes = sum(1 for key in GSI_KEYS if key in item)
    return kb * (2 if transactional else 1) + kb * indexes


def read_units(size: int, consistent: bool) -> float:
    units = max(1, math.ceil(size / 4096))
    return units if consistent else units / 2


class CapacityMeter:
    """Capacity units of the DynamoDB requests a client makes, by operation."""

    def __init__(self, client: Any, reader: Any, table: str) -> None:
        self.reader = reader  # a second client: the meter's own reads are not counted
        self.table = table
        self.wru = 0.0
        self.rru = 0.0
        self.requests: dict[str, int] = defaultdict(int)
        client.meta.events.register("before-call.dynamodb.*", self._before)
        client.meta.events.register("after-call.dynamodb.*", self._after)

    def reset(self) -> None:
        self.wru = self.rru = 0.0
        self.requests.clear()

    def _stored(self, key: dict[str, Any]) -> dict[str, Any]:
        found: dict[str, Any] = self.reader.get_item(TableName=self.table, Key=key).get("Item", {})
        return found

    @staticmethod
    def _before(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        context["capacity_request"] = json.loads(params["body"])  # the request as sent

    def _after(self, model: Any, parsed: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        params = context["capacity_request"]
        operation = model.name
        self.requests[operation] += 1
        if operation == "TransactWriteItems" and "Error" not in parsed:
            for entry in params["TransactItems"]:
                kind, op = next(iter(entry.items()))
                if kind == "Put":
                    self.wru += write_units(op["Item"], transactional=True)
                elif kind == "Update":
                    self.wru += write_units(self._stored(op["Key"]) or op["Key"], transactional=True)
                else:
                    self.wru += 2
        elif operation == "UpdateItem" and "Error" not in parsed:
            self.wru += write_units(self._stored(params["Key"]), transactional=False)
        elif operation == "PutItem":
            self.wru += write_units(params["Item"], transactional=False)
        elif operation == "GetItem":
            self.rru += read_units(item_size(parsed.get("Item", {})), params.get("ConsistentRead", False))
        elif operation == "BatchGetItem":
            consistent = any(v.get("ConsistentRead") for v in params["RequestItems"].values())
            for items in parsed.get("Responses", {}).values():
                self.rru += sum(read_units(item_size(i), consistent) for i in items) or read_units(
                    0, consistent
                )
        elif operation == "Query":
            items = parsed.get("Items", [])
            average = sum(item_size(i) for i in items) / len(items) if items else 100
            self.rru += read_units(int(average * parsed.get("ScannedCount", len(items))), False)


def main(argv: list[str] | None = None) -> None:
    argparse.ArgumentParser(prog="python -m bench capacity").parse_args(argv)
    from moto import mock_aws

    in_process_aws(EMAIL_DELIVERABILITY="off")
    with mock_aws():
        rows = measure()
    print("DynamoDB capacity units per operation (priced by DynamoDB's rules on this run's items)")
    print(f"  {'operation':<44}{'requests':>9}{'WRU':>8}{'RRU':>8}")
    for name, requests, wru, rru in rows:
        print(f"  {name:<44}{requests:>9.2f}{wru:>8.1f}{rru:>8.1f}")


def measure() -> list[tuple[str, float, float, float]]:
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
    meter = CapacityMeter(aws.dynamodb(), client("dynamodb", None), deployment.refs["LeadsTable"])
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

    batches = 10
    meter.reset()
    for b in range(batches):
        ingest.ingest(
            [QueuedRecord(f"m{b}-{k}", event(b * 10 + k, f"c{b * 10 + k}@contoso.com")) for k in range(10)]
        )
    row("ingest: a new lead (batches of 10)", batches * 10)
    for b in range(batches):
        ingest.ingest(
            [QueuedRecord(f"d{b}-{k}", event(b * 10 + k, f"c{b * 10 + k}@contoso.com")) for k in range(10)]
        )
    row("ingest: the same event again (duplicate)", batches * 10)
    for b in range(batches):
        ingest.ingest(
            [
                QueuedRecord(f"t{b}-{k}", event(b * 10 + k, f"c{b * 10 + k}@contoso.com", "again"))
                for k in range(10)
            ]
        )
    row("ingest: a repeat within 24 h (touchpoint)", batches * 10)

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
    body = AcceptRequest(deal_name="Deal", estimated_value=1000, estimated_close_date="2027-01-31")
    for lead in page.items[:10]:
        leads.act("p-cap", lead.lead_id, Action.ACCEPT, body, "u")
    row("POST /leads/{id}/accept", 10)
    for lead in page.items[10:20]:
        leads.set_favorite("p-cap", lead.lead_id, True)
    row("PUT /leads/{id}/favorite", 10)
    expired = sweep.sweep(datetime.now(UTC) + timedelta(days=20)).changed  # the leads still received
    row("sweep: per lead expired", expired)
    sweep.sweep(datetime.now(UTC) + timedelta(days=21))
    row("sweep: a run with nothing due (8 shards)", 1)
    return rows


if __name__ == "__main__":
    main()
