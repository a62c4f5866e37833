"""Delivery items (`DLV#<notice key>#<address>`): a delivery ⇄ its item, and the conditional
writes that claim, reclaim and settle it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from leaddesk.adapters.dynamo.notify_batch import Write, WritePurpose, put_new
from leaddesk.adapters.dynamo.notify_items import DELIVERY_TTL, delivery_key, ttl_after
from leaddesk.domain.deliveries import Delivery, DeliveryState


def delivery_item(delivery: Delivery) -> dict[str, Any]:
    item: dict[str, Any] = {
        **delivery_key(delivery.partner_id, delivery.notice_key, delivery.address),
        "type": {"S": "delivery"},
        "notice": {"S": delivery.notice_key},
        "recipient": {"S": delivery.address},
        "why": {"S": delivery.why},
        "state": {"S": delivery.state.value},
        "at": {"S": delivery.at.isoformat()},
        "ttl": ttl_after(delivery.at, DELIVERY_TTL),
    }
    if delivery.message_id:
        item["message_id"] = {"S": delivery.message_id}
    if delivery.reason:
        item["reason"] = {"S": delivery.reason[:1000]}
    return item


def delivery_from(item: Mapping[str, Any], partner_id: str) -> Delivery:
    return Delivery(
        partner_id=partner_id,
        notice_key=item["notice"]["S"],
        address=item["recipient"]["S"],
        why=item["why"]["S"],
        state=DeliveryState(item["state"]["S"]),
        at=datetime.fromisoformat(item["at"]["S"]),
        message_id=item.get("message_id", {}).get("S"),
        reason=item.get("reason", {}).get("S"),
    )


def put_delivery(table: str, delivery: Delivery, owner: object) -> Write:
    """A new delivery, `sending`: it claims its email (fails when the delivery exists)."""
    return Write(owner, WritePurpose.CLAIM, put_new(table, delivery_item(delivery)))


def settle_delivery(table: str, delivery: Delivery) -> Write:
    """A claimed delivery's final state (`failed`, `unconfirmed`), if it is still `sending`."""
    put = {
        "TableName": table,
        "Item": delivery_item(delivery),
        "ConditionExpression": "#state = :sending",
        "ExpressionAttributeNames": {"#state": "state"},
        "ExpressionAttributeValues": {":sending": {"S": DeliveryState.SENDING.value}},
    }
    return Write(delivery.notice_key, WritePurpose.PLAIN, {"Put": put})


def reclaim_delivery(table: str, delivery: Delivery, owner: object) -> Write:
    """A deferred delivery (nothing went out) taken up again: `sending`, if still deferred."""
    update = {
        "TableName": table,
        "Key": delivery_key(delivery.partner_id, delivery.notice_key, delivery.address),
        "UpdateExpression": "SET #state = :sending, #at = :at",
        "ConditionExpression": "#state = :deferred",
        "ExpressionAttributeNames": {"#state": "state", "#at": "at"},
        "ExpressionAttributeValues": {
            ":sending": {"S": DeliveryState.SENDING.value},
            ":deferred": {"S": DeliveryState.DEFERRED.value},
            ":at": {"S": delivery.at.isoformat()},
        },
    }
    return Write(owner, WritePurpose.CLAIM, {"Update": update})
