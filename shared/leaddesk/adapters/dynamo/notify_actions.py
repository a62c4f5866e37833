"""Action items (`AC#<notification id>`), the feed (`FEED`) and the settings (`SETTINGS`) as the
notifier writes and reads them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from leaddesk.adapters.dynamo.notify_batch import Role, Write, put_new
from leaddesk.adapters.dynamo.notify_items import action_key, feed_key
from leaddesk.domain.action_center import ActionItem, time_of
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
        "doc": {"S": item.model_dump_json(exclude={"read"})},
    }
    if mode is not None:
        row[MODE] = {"S": mode.value}
    if read_at is not None:
        row["read_at"] = {"S": read_at.isoformat()}
    return Write(owner, Role.CLAIM, put_new(table, row))


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
    return Write(partner_id, Role.FEED, {"Update": update})


def watermark_of(feed: Mapping[str, Any] | None) -> str | None:
    watermark: str | None = (feed or {}).get("read_through", {}).get("S")
    return watermark


def settings_from(item: Mapping[str, Any] | None) -> NotificationSettings:
    if not item:
        return NotificationSettings()
    return NotificationSettings.model_validate_json(item["doc"]["S"])
