"""The per-tab, per-status lead counts, kept as counters in the same transaction as each change.

A partner's counts live in `COUNTER_SHARDS` small items (`COUNTS#0…`); every write adds its
delta to one of them at random, so concurrent writers of one partner rarely meet on one item,
and the summary reads those few items whatever the partner's size. A lead counts once in its
home tab under its status, and once more in `favorites` while it is one; test leads never
count (lists hide them too).
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from leaddesk.adapters.dynamo.keys import COUNTER_SHARDS, counter_key
from leaddesk.domain.models import Lead, LeadStatus, Tab

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

Counts = dict[tuple[Tab, LeadStatus], int]


def counter_name(tab: Tab, status: LeadStatus) -> str:
    return f"n_{tab.value}_{status.value}"


_NAMES = {counter_name(tab, status): (tab, status) for tab in Tab for status in LeadStatus}


def contributions(lead: Lead | None) -> Counter[str]:
    """The counters a lead adds one to, as it is now (nothing before it exists, nothing for tests)."""
    if lead is None or lead.is_test:
        return Counter()
    counted = Counter({counter_name(lead.tab, lead.status): 1})
    if lead.favorite:
        counted[counter_name(Tab.FAVORITES, lead.status)] += 1
    return counted


def deltas(before: Lead | None, after: Lead) -> dict[str, int]:
    """What a change does to the counters: the difference of the two states' contributions."""
    was, now = contributions(before), contributions(after)
    changed = {name: now[name] - was[name] for name in was.keys() | now.keys()}
    return {name: delta for name, delta in changed.items() if delta}


def counter_update(table: str, partner_id: str, changed: Mapping[str, int]) -> dict[str, Any]:
    """The TransactWriteItems entry that adds `changed` to one of the partner's counter items."""
    names = {f"#c{i}": name for i, name in enumerate(sorted(changed))}
    return {
        "Update": {
            "TableName": table,
            "Key": counter_key(partner_id, random.randrange(COUNTER_SHARDS)),
            "UpdateExpression": "ADD " + ", ".join(f"{alias} :v{i}" for i, alias in enumerate(names)),
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": {
                f":v{i}": {"N": str(changed[name])} for i, name in enumerate(names.values())
            },
        }
    }


def read_counts(client: DynamoDBClient, table: str, partner_id: str) -> Counts:
    """The partner's counts, from its few counter items (one BatchGetItem)."""
    keys = [counter_key(partner_id, shard) for shard in range(COUNTER_SHARDS)]
    answer = client.batch_get_item(RequestItems={table: {"Keys": keys}})
    items = list(answer.get("Responses", {}).get(table, []))
    pending = answer.get("UnprocessedKeys") or {}
    while pending:  # rare (throttling): ask again for what was left
        answer = client.batch_get_item(RequestItems=pending)
        items.extend(answer.get("Responses", {}).get(table, []))
        pending = answer.get("UnprocessedKeys") or {}
    counts: Counts = {(tab, status): 0 for tab in Tab for status in LeadStatus}
    for item in items:
        for name, value in item.items():
            if name in _NAMES:
                counts[_NAMES[name]] += int(value["N"])
    return counts
