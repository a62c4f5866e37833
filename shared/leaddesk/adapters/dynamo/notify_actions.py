"""Action items (`AC#<notification id>`), the feed (`FEED`) and the settings (`SETTINGS`) as the
notifier writes and reads them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from leaddesk.adapters.dynamo.notify_batch import Write, WritePurpose, put_new
from leaddesk.adapters.dynamo.notify_items import action_key, feed_key, open_index_keys, stamp
from leaddesk.domain.action_center import RESOLVED_BY_READING, ActionItem, ItemState, time_of
from leaddesk.domain.deliveries import VolumeMode
from leaddesk.domain.notify_settings import NotificationSettings

MODE = "mode"  # a new lead's action item: how the lead is emailed (`VolumeMode`)


def put_action(
    table: str,
    partner_id: str,
    item: ActionItem,
    read_at: datetime | None,
    owner: object,
    mode: VolumeMode | None = None,
) -> Write:
    """An action item, written only if it is not there yet (it claims its notice)."""
    row: dict[str, Any] = {
        **action_key(partner_id, item.notification_id),
        "type": {"S": "action"},
        "doc": {"S": item.model_dump_json(exclude={"read", "state", "resolved_at"})},
        **state_attributes(partner_id, item),
    }
    if mode is not None:
        row[MODE] = {"S": mode.value}
    if read_at is not None:
        row["read_at"] = {"S": read_at.isoformat()}
    return Write(owner, WritePurpose.CLAIM, put_new(table, row))


def state_attributes(partner_id: str, item: ActionItem) -> dict[str, Any]:
    """An open item joins the sparse `OpenItems` index (with what its state depends on: `info`
    for items resolved by reading, `expires_at` for a ready export); a resolved one carries
    `resolved_at` instead."""
    if item.state is ItemState.RESOLVED:
        return {"resolved_at": {"S": (item.resolved_at or item.at).isoformat()}}
    found = open_index_keys(partner_id, item.notification_id)
    found["OPENT"] = {"S": time_of(item.notification_id)}
    if item.kind in RESOLVED_BY_READING:
        found["info"] = {"BOOL": True}
    if item.expires_at is not None:
        found["expires_at"] = {"S": stamp(item.expires_at)}
    return found


def resolve_action(table: str, partner_id: str, notification_id: str, now: datetime) -> dict[str, Any]:
    """A lead's item resolved: out of the `OpenItems` index, `resolved_at` set (once)."""
    return {
        "TableName": table,
        "Key": action_key(partner_id, notification_id),
        "UpdateExpression": "REMOVE OPENPK, OPENSK, OPENT SET resolved_at = if_not_exists(resolved_at, :now)",
        "ConditionExpression": "attribute_exists(SK)",
        "ExpressionAttributeValues": {":now": {"S": now.isoformat()}},
    }


def mode_of(row: Mapping[str, Any]) -> VolumeMode:
    """The volume mode an action item carries; an item without one was emailed individually."""
    return VolumeMode(row.get(MODE, {}).get("S", VolumeMode.INDIVIDUAL.value))


def add_unread(table: str, partner_id: str, count: int, oldest_id: str) -> Write:
    """The feed gains `count` unread items, unless they are older than its watermark."""
    update = {
        "TableName": table,
        "Key": feed_key(partner_id),
        "UpdateExpression": "ADD unread :count",
        "ConditionExpression": "attribute_not_exists(read_through) OR read_through < :oldest",
        "ExpressionAttributeValues": {":count": {"N": str(count)}, ":oldest": {"S": time_of(oldest_id)}},
    }
    return Write(partner_id, WritePurpose.FEED, {"Update": update})


def watermark_of(feed: Mapping[str, Any] | None) -> str | None:
    watermark: str | None = (feed or {}).get("read_through", {}).get("S")
    return watermark


def settings_from(item: Mapping[str, Any] | None) -> NotificationSettings:
    if not item:
        return NotificationSettings()
    return NotificationSettings.model_validate_json(item["doc"]["S"])
