"""A lead ⇄ its DynamoDB item: the JSON document, the index keys and the filterable attributes.

The lead is kept as one JSON document, compressed in the Binary attribute `docz`
(`dynamo.documents`: a typical item then fits DynamoDB's 1 KB write unit); items written before
hold it as text in `doc`, and both are read. The attributes indexes and
filters need are copied beside it (each list filter's under the attribute
`leaddesk.domain.list_filters` names), and the few that change atomically (version, favorite,
touchpoints) live only beside it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from leaddesk.adapters.dynamo.documents import compress_document, decompress_document
from leaddesk.adapters.dynamo.keys import (
    DEFAULT_DUE_SHARDS,
    due_partition,
    due_shard,
    due_time_text,
    favorites_key,
    lead_key,
    tab_key,
    tab_status_key,
)
from leaddesk.domain.filters import name_sort_key, value_sort_key
from leaddesk.domain.list_filters import LIST_FILTERS
from leaddesk.domain.models import Lead, Touchpoints
from leaddesk.domain.timed_rules import DEFAULT_EXPIRY_DAYS, next_due


@dataclass(frozen=True)
class ItemPolicy:
    """What of an item's layout is configuration: the expiry period (it sets the due time) and
    how many partitions the Due index spreads over (raise it, never lower it: leads already
    written keep their shard)."""

    expiry_days: int = DEFAULT_EXPIRY_DAYS
    due_shards: int = DEFAULT_DUE_SHARDS


_MUTABLE = {"version", "favorite", "touchpoints"}
# Attributes a lead may lose in a change (REMOVEd by an update when the new item lacks them):
# any filter's (a lead lacking its value has no attribute), the value, the Due index keys.
OPTIONAL_ATTRIBUTES = frozenset(
    {spec.attribute for spec in LIST_FILTERS} | {"estimated_value", "DUEPK", "DUESK"}
)
# The document as items written before compression held it: a change that writes the compressed
# document REMOVEs it (a no-op once gone).
DOCUMENT = "docz"
LEGACY_DOCUMENT = "doc"
# Attributes that depend on configuration as well as on the lead (the expiry period, the Due
# shards): a change writes them even when the lead's state did not move them.
POLICY_ATTRIBUTES = frozenset({"DUEPK", "DUESK"})
# Attributes a lifecycle change leaves as they are: they change by their own atomic updates.
KEPT_BY_CHANGES = frozenset({"PK", "SK", "favorite", "GSI3PK", "GSI3SK", "touch_count", "touch_last_seen"})


def _s(value: str | None) -> dict[str, Any] | None:
    return {"S": value} if value else None


def lead_to_item(lead: Lead, policy: ItemPolicy) -> dict[str, Any]:
    """The lead's DynamoDB item: document + index keys + filterable attributes.

    A lead with a pending timed rule also carries the sparse Due index keys, so every writer
    (ingest included) schedules the sweep without knowing the rules.
    """
    due = next_due(lead, policy.expiry_days)
    doc = lead.model_dump_json(exclude=_MUTABLE | {"tab", "etag"}).encode()
    partner_tab = tab_key(lead.partner_id, lead.tab)
    attributes: dict[str, dict[str, Any] | None] = {
        **lead_key(lead.partner_id, lead.lead_id),
        "type": {"S": "lead"},
        DOCUMENT: {"B": compress_document(doc)},
        "version": {"N": str(lead.version)},
        "favorite": {"BOOL": lead.favorite},
        "is_test": {"BOOL": lead.is_test},
        "lead_id": {"S": lead.lead_id},
        "tab": {"S": lead.tab.value},
        "status": {"S": lead.status.value},  # what a change's conditional write compares
        "created_at": {"S": lead.created_at.isoformat()},
        **{spec.attribute: _s(spec.value_of(lead)) for spec in LIST_FILTERS},
        "estimated_value": {"N": str(lead.estimated_value)} if lead.estimated_value is not None else None,
        "GSI1PK": {"S": partner_tab},
        "GSI1SK": {"S": lead.lead_id},
        "GSI2PK": {"S": tab_status_key(lead.partner_id, lead.tab, lead.status)},
        "GSI2SK": {"S": lead.lead_id},
        "GSI4PK": {"S": partner_tab},
        "GSI4SK": {"S": name_sort_key(lead)},
        # ByTabValue is sparse: a lead without a value is read from ByTab (`LeadQueries`).
        "GSI5PK": {"S": partner_tab} if lead.estimated_value is not None else None,
        "GSI5SK": {"S": value_sort_key(lead)} if lead.estimated_value is not None else None,
        "DUEPK": {"S": due_partition(due_shard(lead.lead_id, policy.due_shards))} if due else None,
        "DUESK": {"S": f"{due_time_text(due)}#{lead.partner_id}#{lead.lead_id}"} if due else None,
    }
    if lead.favorite:
        attributes["GSI3PK"] = {"S": favorites_key(lead.partner_id)}
        attributes["GSI3SK"] = {"S": lead.lead_id}
    if lead.touchpoints:
        attributes["touch_count"] = {"N": str(lead.touchpoints.count)}
        attributes["touch_last_seen"] = {"S": lead.touchpoints.last_seen_at.isoformat()}
    return {name: value for name, value in attributes.items() if value is not None}


def changed_attributes(
    before: Mapping[str, Any], after: Mapping[str, Any]
) -> tuple[dict[str, Any], set[str]]:
    """What a lifecycle update from item `before` to item `after` SETs and REMOVEs.

    SET: the attributes whose value changed, and those that depend on configuration (the Due
    keys) whatever they were; REMOVE: what `before` had and `after` lacks, the Due keys when
    `after` has none, and — when the compressed document is written — the text document of an
    item written before compression. Attributes that change by their own atomic updates
    (favorite, touchpoints) are left alone.
    """
    sets = {
        name: value
        for name, value in after.items()
        if name not in KEPT_BY_CHANGES and (name in POLICY_ATTRIBUTES or before.get(name) != value)
    }
    legacy = {LEGACY_DOCUMENT} if DOCUMENT in sets else set()
    removes = ((set(before) | POLICY_ATTRIBUTES | legacy) - set(after)) - KEPT_BY_CHANGES
    return sets, removes


def item_to_lead(item: Mapping[str, Any]) -> Lead:
    stored = item.get(DOCUMENT)
    data = json.loads(decompress_document(stored["B"]) if stored else item[LEGACY_DOCUMENT]["S"])
    data["version"] = int(item["version"]["N"])
    data["favorite"] = item.get("favorite", {}).get("BOOL", False)
    if "touch_count" in item:
        data["touchpoints"] = Touchpoints(
            count=int(item["touch_count"]["N"]),
            last_seen_at=datetime.fromisoformat(item["touch_last_seen"]["S"]),
        )
    return Lead.model_validate(data)
