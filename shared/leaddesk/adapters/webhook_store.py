"""Webhook endpoints and their deliveries in the single table, under the partner's key.

- endpoint, SK `WH#<endpoint id>`: `doc` = the endpoint as JSON; `secrets` = its encrypted
  signing secrets (JSON), never in `doc`;
- delivery, SK `WHD#<endpoint id>#<message id>`: `doc` = the delivery with its body as JSON;
  `attempts` and `status` beside it for conditional writes; `ttl` = created + 5 days; while a
  retry is due later than a queue delay can wait, `DUEPK` = `WHDUE#<shard>` and `DUESK` =
  `<due time>#<partner>#<endpoint>#<message>`.

Message ids are ULIDs of the event's time, so an endpoint's deliveries sort newest first by key.
Retries beyond SQS's 15-minute delay share the sparse `DueByShard` index with the leads' timed
rules, in partitions of their own (`WHDUE#…`; the lifecycle sweep reads only `DUE#…`).
"""

from __future__ import annotations

import base64
import json
import zlib
from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from leaddesk.adapters.dynamo.keys import partner_key
from leaddesk.domain.filters import CursorError
from leaddesk.domain.webhooks import RETENTION, Delivery, DeliveryStatus, Endpoint, StoredSecret

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

DUE_SHARDS = 4
DUE_INDEX = "DueByShard"
MAX_ENDPOINTS = 20  # a partner's endpoints: one query reads them all


def _endpoint_key(partner_id: str, endpoint_id: str) -> dict[str, Any]:
    return {"PK": {"S": partner_key(partner_id)}, "SK": {"S": f"WH#{endpoint_id}"}}


def _delivery_prefix(endpoint_id: str) -> str:
    return f"WHD#{endpoint_id}#"


def _delivery_key(partner_id: str, endpoint_id: str, delivery_id: str) -> dict[str, Any]:
    return {"PK": {"S": partner_key(partner_id)}, "SK": {"S": _delivery_prefix(endpoint_id) + delivery_id}}


def due_partition(shard: int) -> str:
    return f"WHDUE#{shard}"


def _due_keys(delivery: Delivery, at: datetime) -> dict[str, Any]:
    shard = zlib.crc32(delivery.message_id.encode()) % DUE_SHARDS
    sort = f"{_stamp(at)}#{delivery.partner_id}#{delivery.endpoint_id}#{delivery.id}"
    return {":duepk": {"S": due_partition(shard)}, ":duesk": {"S": sort}}


def _stamp(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _conditional_failed(error: ClientError) -> bool:
    return error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException"


class WebhookStore:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._db = client
        self._table = table_name

    # --- endpoints -------------------------------------------------------------------------------
    def add_endpoint(self, endpoint: Endpoint, secret: StoredSecret) -> None:
        self._db.put_item(
            TableName=self._table,
            Item={
                **_endpoint_key(endpoint.partner_id, endpoint.id),
                "doc": {"S": endpoint.model_dump_json()},
                "secrets": {"S": json.dumps([secret.model_dump(mode="json")])},
            },
            ConditionExpression="attribute_not_exists(PK)",
        )

    def endpoint(self, partner_id: str, endpoint_id: str) -> tuple[Endpoint, list[StoredSecret]] | None:
        item = self._db.get_item(
            TableName=self._table, Key=_endpoint_key(partner_id, endpoint_id), ConsistentRead=True
        ).get("Item")
        return _endpoint_of(item) if item else None

    def endpoints(self, partner_id: str) -> list[Endpoint]:
        answer = self._db.query(
            TableName=self._table,
            KeyConditionExpression="PK = :pk AND begins_with(SK, :wh)",
            ExpressionAttributeValues={":pk": {"S": partner_key(partner_id)}, ":wh": {"S": "WH#"}},
            ProjectionExpression="doc",
            Limit=MAX_ENDPOINTS,
        )
        return [Endpoint.model_validate_json(item["doc"]["S"]) for item in answer.get("Items", [])]

    def save_endpoint(self, endpoint: Endpoint, secrets: list[StoredSecret] | None = None) -> bool:
        """Write the endpoint (and its secrets, when given) if it still exists; False if it does not."""
        names = {"#doc": "doc"}
        values: dict[str, Any] = {":doc": {"S": endpoint.model_dump_json()}}
        update = "SET #doc = :doc"
        if secrets is not None:
            names["#secrets"] = "secrets"
            values[":secrets"] = {"S": json.dumps([s.model_dump(mode="json") for s in secrets])}
            update += ", #secrets = :secrets"
        try:
            self._db.update_item(
                TableName=self._table,
                Key=_endpoint_key(endpoint.partner_id, endpoint.id),
                UpdateExpression=update,
                ConditionExpression="attribute_exists(PK)",
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
            )
        except ClientError as error:
            if _conditional_failed(error):
                return False
            raise
        return True

    def delete_endpoint(self, partner_id: str, endpoint_id: str) -> bool:
        answer = self._db.delete_item(
            TableName=self._table, Key=_endpoint_key(partner_id, endpoint_id), ReturnValues="ALL_OLD"
        )
        return "Attributes" in answer

    # --- deliveries -----------------------------------------------------------------------------------
    def add_delivery(self, delivery: Delivery) -> bool:
        """Record a new delivery; False when it exists already (the same message to the same endpoint)."""
        try:
            self._db.put_item(
                TableName=self._table,
                Item={
                    **_delivery_key(delivery.partner_id, delivery.endpoint_id, delivery.id),
                    "doc": {"S": delivery.model_dump_json()},
                    "attempts": {"N": str(delivery.attempts)},
                    "status": {"S": delivery.status.value},
                    "ttl": {"N": str(int((delivery.created_at + RETENTION).timestamp()))},
                },
                ConditionExpression="attribute_not_exists(PK)",
            )
        except ClientError as error:
            if _conditional_failed(error):
                return False
            raise
        return True

    def delivery(self, partner_id: str, endpoint_id: str, delivery_id: str) -> Delivery | None:
        item = self._db.get_item(
            TableName=self._table,
            Key=_delivery_key(partner_id, endpoint_id, delivery_id),
            ConsistentRead=True,
        ).get("Item")
        return Delivery.model_validate_json(item["doc"]["S"]) if item else None

    def record_attempt(self, before: Delivery, after: Delivery, due_later: datetime | None) -> bool:
        """Write an attempt's result if no other attempt was recorded since `before` was read
        (False otherwise). `due_later`: the retry waits in the due index until then."""
        values: dict[str, Any] = {
            ":doc": {"S": after.model_dump_json()},
            ":attempts": {"N": str(after.attempts)},
            ":status": {"S": after.status.value},
            ":before": {"N": str(before.attempts)},
            ":before_status": {"S": before.status.value},
        }
        update = "SET #doc = :doc, attempts = :attempts, #status = :status"
        if due_later is not None:
            values.update(_due_keys(after, due_later))
            update += ", DUEPK = :duepk, DUESK = :duesk"
        else:
            update += " REMOVE DUEPK, DUESK"
        try:
            self._db.update_item(
                TableName=self._table,
                Key=_delivery_key(after.partner_id, after.endpoint_id, after.id),
                UpdateExpression=update,
                ConditionExpression="attempts = :before AND #status = :before_status",
                ExpressionAttributeNames={"#doc": "doc", "#status": "status"},
                ExpressionAttributeValues=values,
            )
        except ClientError as error:
            if _conditional_failed(error):
                return False
            raise
        return True

    def reopen(self, before: Delivery, after: Delivery) -> bool:
        """A hand retry: the delivery pending again (out of the due index), if unchanged since read."""
        return self.record_attempt(before, after, None)

    def deliveries(
        self, partner_id: str, endpoint_id: str, limit: int, cursor: str | None
    ) -> tuple[list[Delivery], str | None]:
        """An endpoint's deliveries, newest first, and the cursor of the next page."""
        request: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "PK = :pk AND begins_with(SK, :prefix)",
            "ExpressionAttributeValues": {
                ":pk": {"S": partner_key(partner_id)},
                ":prefix": {"S": _delivery_prefix(endpoint_id)},
            },
            "ProjectionExpression": "doc",
            "ScanIndexForward": False,
            "Limit": limit,
        }
        if cursor is not None:
            request["ExclusiveStartKey"] = _delivery_key(
                partner_id, endpoint_id, _decode_cursor(cursor, partner_id, endpoint_id)
            )
        answer = self._db.query(**request)
        items = [Delivery.model_validate_json(item["doc"]["S"]) for item in answer.get("Items", [])]
        last = answer.get("LastEvaluatedKey")
        next_cursor = (
            _encode_cursor(partner_id, endpoint_id, items[-1].id) if last is not None and items else None
        )
        return items, next_cursor

    def due(self, now: datetime, limit: int) -> Iterator[tuple[str, str, str]]:
        """(partner, endpoint, delivery) of the retries due by `now`, oldest first, over every shard."""
        for shard in range(DUE_SHARDS):
            request: dict[str, Any] = {
                "TableName": self._table,
                "IndexName": DUE_INDEX,
                "KeyConditionExpression": "DUEPK = :pk AND DUESK <= :now",
                "ExpressionAttributeValues": {
                    ":pk": {"S": due_partition(shard)},
                    ":now": {"S": _stamp(now) + "~"},
                },
                "ProjectionExpression": "DUESK",
                "Limit": limit,
            }
            answer = self._db.query(**request)
            for item in answer.get("Items", []):
                _, partner_id, endpoint_id, delivery_id = item["DUESK"]["S"].split("#", 3)
                yield partner_id, endpoint_id, delivery_id

    def leave_due_index(self, partner_id: str, endpoint_id: str, delivery_id: str, attempts: int) -> None:
        """Its attempt is queued: the delivery leaves the due index (unless an attempt overtook it)."""
        try:
            self._db.update_item(
                TableName=self._table,
                Key=_delivery_key(partner_id, endpoint_id, delivery_id),
                UpdateExpression="REMOVE DUEPK, DUESK",
                ConditionExpression="attempts = :attempts",
                ExpressionAttributeValues={":attempts": {"N": str(attempts)}},
            )
        except ClientError as error:
            if not _conditional_failed(error):
                raise


def _endpoint_of(item: dict[str, Any]) -> tuple[Endpoint, list[StoredSecret]]:
    secrets = [StoredSecret.model_validate(s) for s in json.loads(item["secrets"]["S"])]
    return Endpoint.model_validate_json(item["doc"]["S"]), secrets


def _encode_cursor(partner_id: str, endpoint_id: str, delivery_id: str) -> str:
    plain = json.dumps({"p": partner_id, "e": endpoint_id, "d": delivery_id}, separators=(",", ":"))
    return base64.urlsafe_b64encode(plain.encode()).decode().rstrip("=")


def _decode_cursor(cursor: str, partner_id: str, endpoint_id: str) -> str:
    try:
        plain = json.loads(base64.urlsafe_b64decode((cursor + "=" * (-len(cursor) % 4)).encode()))
    except ValueError as error:
        raise CursorError("cursor is not valid") from error
    if (
        not isinstance(plain, dict)
        or plain.get("p") != partner_id
        or plain.get("e") != endpoint_id
        or not isinstance(plain.get("d"), str)
        or not 0 < len(plain["d"]) <= 64
    ):
        raise CursorError("cursor is not valid")
    delivery_id: str = plain["d"]
    return delivery_id


__all__ = ["DeliveryStatus", "WebhookStore"]
