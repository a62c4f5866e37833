"""The action center's feed and the notification settings, as the API reads and changes them.

The feed item (`FEED`) keeps the unread count and a `read_through` watermark: "mark all read"
moves the watermark (one write, however many items), and an item is read when it carries
`read_at` or is no newer than the watermark. Each change of the count is conditional on the
watermark, in the same transaction as the item's own change, so the count never drifts.

Open items are in the sparse `OpenItems` index until the notifier resolves them (a lead's
items); a ready export's item also stops being open when its file expires, and a notice once
it is read — the filters below say so in DynamoDB's terms, `item_state` in the domain's. The
open count and the open list read only that index.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from leaddesk.adapters.dynamo.keys import partner_key
from leaddesk.adapters.dynamo.notify_actions import settings_from
from leaddesk.adapters.dynamo.notify_feedback import suppression_from
from leaddesk.adapters.dynamo.notify_items import (
    ACTION_PREFIX,
    OPEN_ITEMS,
    SUPPRESSION_PREFIX,
    action_key,
    feed_key,
    open_index_keys,
    open_partition,
    settings_key,
    stamp,
    suppression_key,
)
from leaddesk.adapters.dynamo.paging import cancellation_reasons, failed_condition, pages
from leaddesk.domain.action_center import ID_TIME_FORMAT, ActionItem, item_state, time_of
from leaddesk.domain.feedback import Suppression
from leaddesk.domain.filters import CursorError
from leaddesk.domain.notify_settings import NotificationSettings

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

ATTEMPTS = 5
# `item_state`'s rule for the rows of the `OpenItems` index: a ready export's file has not
# expired, and a notice (`info`) is unread (no `read_at`, newer than the watermark).
OPEN = (
    "(attribute_not_exists(expires_at) OR expires_at > :now) AND "
    "(attribute_not_exists(info) OR (attribute_not_exists(read_at) AND OPENT > :watermark))"
)
RESOLVED = (
    "attribute_not_exists(OPENPK) OR (attribute_exists(expires_at) AND expires_at <= :now) OR "
    "(attribute_exists(info) AND (attribute_exists(read_at) OR OPENT <= :watermark))"
)
MAX_PAGE_READS = 20  # a filtered page reads at most this many DynamoDB pages, then hands a cursor on


class ActionCenterStore:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._db = client
        self._table = table_name

    # --- the feed -------------------------------------------------------------------------------
    def page(
        self, partner_id: str, limit: int, cursor: str | None, state: str, now: datetime
    ) -> tuple[list[ActionItem], int, int, str | None]:
        """(a page of items newest first — `state` open, resolved or all —, the feed's unread
        count, its open count, the next page's cursor)."""
        unread, watermark = self._feed(partner_id)
        values = {":now": {"S": stamp(now)}, ":watermark": {"S": watermark}}
        request: dict[str, Any] = {"TableName": self._table, "ScanIndexForward": False, "Limit": limit}
        if state == "open":
            request |= {
                "IndexName": OPEN_ITEMS,
                "KeyConditionExpression": "OPENPK = :pk",
                "FilterExpression": OPEN,
                "ExpressionAttributeValues": {":pk": {"S": open_partition(partner_id)}, **values},
            }
        else:
            request |= {
                "KeyConditionExpression": "PK = :pk AND begins_with(SK, :prefix)",
                "ExpressionAttributeValues": {
                    ":pk": {"S": partner_key(partner_id)},
                    ":prefix": {"S": ACTION_PREFIX},
                },
            }
            if state == "resolved":
                request["FilterExpression"] = RESOLVED
                request["ExpressionAttributeValues"] |= values
        if cursor is not None:
            position = decode_cursor(cursor, partner_id)
            start = action_key(partner_id, position)
            request["ExclusiveStartKey"] = start | (
                open_index_keys(partner_id, position) if state == "open" else {}
            )
        rows: list[Mapping[str, Any]] = []
        more = False
        for _ in range(MAX_PAGE_READS):
            answer = self._db.query(**request)
            rows += answer.get("Items", [])
            last = answer.get("LastEvaluatedKey")
            more = bool(last)
            if not last or len(rows) >= limit:
                break
            request["ExclusiveStartKey"] = last
        if len(rows) > limit:
            rows, more = rows[:limit], True
        items = [_item(row, watermark, now) for row in rows]
        next_cursor = None
        if more:
            position = items[-1].notification_id if items else _position(request["ExclusiveStartKey"])
            next_cursor = encode_cursor(partner_id, position)
        return items, unread, self._open_count(partner_id, watermark, now), next_cursor

    def _open_count(self, partner_id: str, watermark: str, now: datetime) -> int:
        """The partner's open items: a count over the sparse `OpenItems` index (every page)."""
        request: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": OPEN_ITEMS,
            "KeyConditionExpression": "OPENPK = :pk",
            "FilterExpression": OPEN,
            "ExpressionAttributeValues": {
                ":pk": {"S": open_partition(partner_id)},
                ":now": {"S": stamp(now)},
                ":watermark": {"S": watermark},
            },
            "Select": "COUNT",
        }
        return sum(int(answer.get("Count", 0)) for answer in pages(self._db.query, request))

    def _feed(self, partner_id: str) -> tuple[int, str]:
        row = self._db.get_item(TableName=self._table, Key=feed_key(partner_id), ConsistentRead=True).get(
            "Item"
        )
        if not row:
            return 0, ""
        return max(int(row.get("unread", {}).get("N", "0")), 0), row.get("read_through", {}).get("S", "")

    def mark_read(self, partner_id: str, notification_id: str, now: datetime) -> bool:
        """Mark one item read (idempotent); False when the partner has no such item."""
        key = action_key(partner_id, notification_id)
        for _ in range(ATTEMPTS):
            row = self._db.get_item(TableName=self._table, Key=key, ConsistentRead=True).get("Item")
            if not row:
                return False
            _, watermark = self._feed(partner_id)
            if "read_at" in row or time_of(notification_id) <= watermark:
                return True
            try:
                items: list[Any] = [
                    {"Update": self._set_read(key, now)},
                    {"Update": self._count(partner_id, -1, time_of(notification_id))},
                ]
                self._db.transact_write_items(TransactItems=items)
                return True
            except ClientError as error:
                reasons = cancellation_reasons(error)
                if failed_condition(reasons, 0):
                    return True  # read meanwhile by someone else
                continue  # the watermark moved (mark all read), or a conflict: look again
        raise RuntimeError(f"notification {notification_id} kept changing; gave up")

    def mark_all_read(self, partner_id: str, now: datetime) -> None:
        """Everything up to now (and up to the newest item) is read: one write, whatever the count."""
        newest = self._db.query(
            TableName=self._table,
            KeyConditionExpression="PK = :pk AND begins_with(SK, :prefix)",
            ExpressionAttributeValues={
                ":pk": {"S": partner_key(partner_id)},
                ":prefix": {"S": ACTION_PREFIX},
            },
            ScanIndexForward=False,
            Limit=1,
            ProjectionExpression="SK",
        ).get("Items", [])
        watermark = now.astimezone(UTC).strftime(ID_TIME_FORMAT)
        if newest:
            watermark = max(watermark, time_of(newest[0]["SK"]["S"].removeprefix(ACTION_PREFIX)))
        try:
            self._db.update_item(
                TableName=self._table,
                Key=feed_key(partner_id),
                UpdateExpression="SET read_through = :watermark, unread = :zero",
                ConditionExpression="attribute_not_exists(read_through) OR read_through <= :watermark",
                ExpressionAttributeValues={":watermark": {"S": watermark}, ":zero": {"N": "0"}},
            )
        except ClientError as error:  # a concurrent "mark all read" went further: nothing to do
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise

    def _set_read(self, key: dict[str, Any], now: datetime) -> dict[str, Any]:
        return {
            "TableName": self._table,
            "Key": key,
            "UpdateExpression": "SET read_at = :now",
            "ConditionExpression": "attribute_exists(SK) AND attribute_not_exists(read_at)",
            "ExpressionAttributeValues": {":now": {"S": now.isoformat()}},
        }

    def _count(self, partner_id: str, delta: int, item_time: str) -> dict[str, Any]:
        return {
            "TableName": self._table,
            "Key": feed_key(partner_id),
            "UpdateExpression": "ADD unread :delta",
            "ConditionExpression": "attribute_not_exists(read_through) OR read_through < :t",
            "ExpressionAttributeValues": {":delta": {"N": str(delta)}, ":t": {"S": item_time}},
        }

    # --- settings --------------------------------------------------------------------------------
    def settings(self, partner_id: str) -> NotificationSettings:
        answer = self._db.get_item(TableName=self._table, Key=settings_key(partner_id), ConsistentRead=True)
        return settings_from(answer.get("Item"))

    def save_settings(self, partner_id: str, settings: NotificationSettings) -> None:
        self._db.put_item(
            TableName=self._table,
            Item={
                **settings_key(partner_id),
                "type": {"S": "settings"},
                "doc": {"S": settings.model_dump_json()},
            },
        )

    # --- suppressed addresses ----------------------------------------------------------------------
    def suppressions(self, partner_id: str) -> list[Suppression]:
        """Every address suppressed for the partner, by address (a partner has few: each one is
        an address that bounced for good or complained)."""
        request: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "PK = :pk AND begins_with(SK, :prefix)",
            "ExpressionAttributeValues": {
                ":pk": {"S": partner_key(partner_id)},
                ":prefix": {"S": SUPPRESSION_PREFIX},
            },
            "ConsistentRead": True,
        }
        return [
            suppression_from(row)
            for answer in pages(self._db.query, request)
            for row in answer.get("Items", [])
        ]

    def clear_suppression(self, partner_id: str, address: str) -> bool:
        """Emails go to the address again; False when it was not suppressed."""
        try:
            self._db.delete_item(
                TableName=self._table,
                Key=suppression_key(partner_id, address),
                ConditionExpression="attribute_exists(SK)",
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise
        return True


def _item(row: Mapping[str, Any], watermark: str, now: datetime) -> ActionItem:
    item = ActionItem.model_validate_json(row["doc"]["S"])
    item.read = "read_at" in row or time_of(item.notification_id) <= watermark
    item.state = item_state(item, item.read, "OPENPK" not in row, now)
    if "resolved_at" in row:
        item.resolved_at = datetime.fromisoformat(row["resolved_at"]["S"])
    return item


def _position(key: Mapping[str, Any]) -> str:
    """The notification id of a LastEvaluatedKey (a filtered page that found nothing yet)."""
    return str(key["SK"]["S"]).removeprefix(ACTION_PREFIX)


CURSOR_OF = "notifications"  # a cursor says which list it pages: another list's is refused


def encode_cursor(partner_id: str, notification_id: str) -> str:
    plain = json.dumps(
        {"PK": partner_key(partner_id), "of": CURSOR_OF, "k": notification_id}, separators=(",", ":")
    )
    return base64.urlsafe_b64encode(plain.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, partner_id: str) -> str:
    try:
        plain = json.loads(base64.urlsafe_b64decode((cursor + "=" * (-len(cursor) % 4)).encode()))
        if not isinstance(plain, dict) or plain.get("PK") != partner_key(partner_id):
            raise ValueError("another partner's cursor")
        if plain.get("of") != CURSOR_OF:
            raise ValueError("another list's cursor")
        position = plain["k"]
        if not isinstance(position, str) or not position:
            raise ValueError("no position")
    except (ValueError, KeyError) as error:
        raise CursorError("cursor is not valid") from error
    return position
