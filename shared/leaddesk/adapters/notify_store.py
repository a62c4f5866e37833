"""The notifier's reads and writes: deliveries, the day's lead count, digest entries, feed items.

Writes that must happen together — a notice's claim (its action item, or its deliveries in
state `sending`), the feed's unread count, digest entries and the day's "digest owed" mark — go
in one `TransactWriteItems` per batch; each entry is tagged (`Write`) so the service can tell
which condition cancelled a transaction. Outcomes of sends are recorded with BatchWriteItem.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from leaddesk.adapters.batching import chunked
from leaddesk.adapters.dynamo.items import item_to_lead
from leaddesk.adapters.dynamo.keys import lead_key, partner_key
from leaddesk.adapters.dynamo.notify_items import (
    DAY_TTL,
    DELIVERY_TTL,
    DIGEST_SHARDS,
    DIGESTS_DUE,
    action_key,
    day_key,
    delivery_key,
    digest_entry_key,
    digest_entry_prefix,
    digest_index_keys,
    digest_partition,
    feed_key,
    settings_key,
    ttl_after,
)
from leaddesk.adapters.dynamo.paging import cancellation_reasons, conflicted, pages
from leaddesk.domain.action_center import ActionItem, time_of
from leaddesk.domain.models import Lead
from leaddesk.domain.notices import address_tag
from leaddesk.domain.notify_settings import NotificationSettings

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

BATCH_GET_LIMIT = 100
BATCH_WRITE_LIMIT = 25
TRANSACTION_LIMIT = 100
CONFLICT_ATTEMPTS = 6
Key = tuple[str, str]


class Role(StrEnum):
    CLAIM = "claim"  # an action item or a delivery that says "this notice is being handled"
    FEED = "feed"  # the feed's unread count
    DIGEST_OWED = "digest_owed"  # the day's "a digest is owed" mark
    PLAIN = "plain"  # no condition worth telling apart


@dataclass(frozen=True)
class Write:
    owner: str  # the notice key (or partner) the write belongs to
    role: Role
    request: dict[str, Any]


class DeliveryState(StrEnum):
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"  # refused for good (recorded, shown in the action center)
    DEFERRED = "deferred"  # SES throttled every try: nothing went out, safe to send again
    UNCONFIRMED = "unconfirmed"  # a send was interrupted: never sent again (at most once)


@dataclass(frozen=True)
class Delivery:
    partner_id: str
    notice_key: str
    address: str
    why: str
    state: DeliveryState
    at: datetime
    message_id: str | None = None
    reason: str | None = None

    def item(self, table: str | None = None) -> dict[str, Any]:
        item: dict[str, Any] = {
            **delivery_key(self.partner_id, self.notice_key, self.address),
            "type": {"S": "delivery"},
            "notice": {"S": self.notice_key},
            "recipient": {"S": self.address},
            "why": {"S": self.why},
            "state": {"S": self.state.value},
            "at": {"S": self.at.isoformat()},
            "ttl": ttl_after(self.at, DELIVERY_TTL),
        }
        if self.message_id:
            item["message_id"] = {"S": self.message_id}
        if self.reason:
            item["reason"] = {"S": self.reason[:1000]}
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


def item_key(item: Mapping[str, Any]) -> Key:
    return item["PK"]["S"], item["SK"]["S"]


def plain_key(key: Mapping[str, Any]) -> Key:
    return key["PK"]["S"], key["SK"]["S"]


class NotifyStore:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._db = client
        self._table = table_name

    @property
    def table(self) -> str:
        return self._table

    # --- reads --------------------------------------------------------------------------------
    def get_many(self, keys: Iterable[Mapping[str, Any]]) -> dict[Key, Mapping[str, Any]]:
        """Items that exist among `keys` (consistent BatchGetItem, in hundreds)."""
        found: dict[Key, Mapping[str, Any]] = {}
        unique = {plain_key(k): k for k in keys}
        for chunk in chunked(unique.values(), BATCH_GET_LIMIT):
            request: dict[str, Any] = {self._table: {"Keys": list(chunk), "ConsistentRead": True}}
            for attempt in range(8):
                answer = self._db.batch_get_item(RequestItems=request)
                for item in answer.get("Responses", {}).get(self._table, []):
                    found[item_key(item)] = item
                request = dict(answer.get("UnprocessedKeys") or {})
                if not request:
                    break
                time.sleep(0.05 * 2**attempt)
            else:
                raise RuntimeError("DynamoDB left keys unprocessed after retries")
        return found

    @staticmethod
    def lead_of(items: Mapping[Key, Mapping[str, Any]], partner_id: str, lead_id: str) -> Lead | None:
        item = items.get(plain_key(lead_key(partner_id, lead_id)))
        return item_to_lead(item) if item else None

    @staticmethod
    def settings_of(items: Mapping[Key, Mapping[str, Any]], partner_id: str) -> NotificationSettings:
        item = items.get(plain_key(settings_key(partner_id)))
        return settings_from(item)

    def settings(self, partner_id: str) -> NotificationSettings:
        answer = self._db.get_item(TableName=self._table, Key=settings_key(partner_id), ConsistentRead=True)
        return settings_from(answer.get("Item"))

    def feed_watermark(self, partner_id: str) -> str | None:
        item = self._db.get_item(TableName=self._table, Key=feed_key(partner_id), ConsistentRead=True)
        return item.get("Item", {}).get("read_through", {}).get("S")

    # --- the day's count ---------------------------------------------------------------------------
    def count_new_leads(self, partner_id: str, day: date, count: int, now: datetime) -> int:
        """Add `count` new leads to the partner's day, atomically; the day's total after it."""
        answer = self._db.update_item(
            TableName=self._table,
            Key=day_key(partner_id, day),
            UpdateExpression="ADD n :count SET #ttl = if_not_exists(#ttl, :ttl)",
            ExpressionAttributeNames={"#ttl": "ttl"},
            ExpressionAttributeValues={":count": {"N": str(count)}, ":ttl": ttl_after(now, DAY_TTL)},
            ReturnValues="UPDATED_NEW",
        )
        return int(answer["Attributes"]["n"]["N"])

    # --- writes ---------------------------------------------------------------------------------
    def transact(self, writes: list[Write]) -> set[int]:
        """Write all, in transactions of at most 100; the positions whose condition failed (then
        nothing of that transaction was written). Conflicts with other writers are retried."""
        failed: set[int] = set()
        for start in range(0, len(writes), TRANSACTION_LIMIT):
            chunk = writes[start : start + TRANSACTION_LIMIT]
            failed |= {start + position for position in self._transact_chunk(chunk)}
        return failed

    def _transact_chunk(self, writes: list[Write]) -> set[int]:
        for attempt in range(CONFLICT_ATTEMPTS):
            try:
                self._db.transact_write_items(TransactItems=[w.request for w in writes])  # type: ignore[misc]
                return set()
            except ClientError as error:
                reasons = cancellation_reasons(error)
                if conflicted(reasons) and attempt + 1 < CONFLICT_ATTEMPTS:
                    time.sleep(0.02 * 2**attempt)
                    continue
                found = {i for i, r in enumerate(reasons) if r.get("Code") == "ConditionalCheckFailed"}
                if not found:
                    raise
                return found
        raise AssertionError("unreachable")  # pragma: no cover

    def record(self, deliveries: Iterable[Delivery]) -> None:
        """Outcomes of sends (their final items), by BatchWriteItem."""
        self.put_items(d.item() for d in deliveries)

    def put_items(self, items: Iterable[dict[str, Any]]) -> None:
        for chunk in chunked(items, BATCH_WRITE_LIMIT):
            pending: dict[str, Any] = {self._table: [{"PutRequest": {"Item": item}} for item in chunk]}
            for attempt in range(8):
                answer = self._db.batch_write_item(RequestItems=pending)
                pending = dict(answer.get("UnprocessedItems") or {})
                if not pending:
                    break
                time.sleep(0.05 * 2**attempt)
            else:
                raise RuntimeError("DynamoDB left writes unprocessed after retries")

    # --- write builders --------------------------------------------------------------------------
    def put_action(self, partner_id: str, item: ActionItem, read_at: datetime | None, **extra: str) -> Write:
        row: dict[str, Any] = {
            **action_key(partner_id, item.notification_id),
            "type": {"S": "action"},
            "doc": {"S": item.model_dump_json(exclude={"read"})},
            **{name: {"S": value} for name, value in extra.items()},
        }
        if read_at is not None:
            row["read_at"] = {"S": read_at.isoformat()}
        return Write(item.notification_id, Role.CLAIM, self._put_new(row))

    def add_unread(self, partner_id: str, count: int, oldest_id: str) -> Write:
        """The feed gains `count` unread items, unless they are older than its watermark."""
        update = {
            "TableName": self._table,
            "Key": feed_key(partner_id),
            "UpdateExpression": "ADD unread :count",
            "ConditionExpression": "attribute_not_exists(read_through) OR read_through < :oldest",
            "ExpressionAttributeValues": {":count": {"N": str(count)}, ":oldest": {"S": time_of(oldest_id)}},
        }
        return Write(partner_id, Role.FEED, {"Update": update})

    def put_delivery(self, delivery: Delivery, owner: str) -> Write:
        return Write(owner, Role.CLAIM, self._put_new(delivery.item()))

    def settle_delivery(self, delivery: Delivery) -> Write:
        """A claimed delivery's final state (`failed`, `unconfirmed`), if it is still `sending`."""
        put = {
            "TableName": self._table,
            "Item": delivery.item(),
            "ConditionExpression": "#state = :sending",
            "ExpressionAttributeNames": {"#state": "state"},
            "ExpressionAttributeValues": {":sending": {"S": DeliveryState.SENDING.value}},
        }
        return Write(delivery.notice_key, Role.PLAIN, {"Put": put})

    def reclaim_delivery(self, delivery: Delivery, owner: str) -> Write:
        """A deferred delivery (nothing went out) taken up again: `sending`, if still deferred."""
        update = {
            "TableName": self._table,
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
        return Write(owner, Role.CLAIM, {"Update": update})

    def put_digest_entry(
        self,
        lead_id: str,
        owed: OwedDigest,
        address: str,
        facts: Mapping[str, Any],
        now: datetime,
        owner: str,
    ) -> Write:
        """One lead collected for one recipient's digest of the day."""
        row = {
            **digest_entry_key(owed.partner_id, owed.day, address_tag(address), lead_id),
            "type": {"S": "digest_entry"},
            "lead": {"S": json.dumps(facts, default=str)},
            "ttl": ttl_after(now, DAY_TTL),
        }
        return Write(owner, Role.PLAIN, self._put_new(row))

    def owe_digest(self, owed: OwedDigest, counts: Mapping[str, int]) -> Write:
        """The day owes a digest to each of `counts`' addresses (it enters `DigestsDue`) and counts
        their leads, unless the day's digest run has started (then the lead is emailed now)."""
        names = {"#pk": "DIGPK", "#sk": "DIGSK", "#state": "digest_state", "#to": "digest_to"}
        values: dict[str, Any] = {
            f":{name}": value for name, value in digest_index_keys(owed.partner_id, owed.day).items()
        }
        values[":to"] = {"SS": sorted(counts)}
        adds = ["#to :to"]
        for position, (address, count) in enumerate(sorted(counts.items())):
            names[f"#c{position}"] = count_attribute(address)
            values[f":c{position}"] = {"N": str(count)}
            adds.append(f"#c{position} :c{position}")
        update = {
            "TableName": self._table,
            "Key": day_key(owed.partner_id, owed.day),
            "UpdateExpression": "SET #pk = :DIGPK, #sk = :DIGSK ADD " + ", ".join(adds),
            "ConditionExpression": "attribute_not_exists(#state)",
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
        }
        return Write(owed.owner, Role.DIGEST_OWED, {"Update": update})

    def _put_new(self, item: dict[str, Any]) -> dict[str, Any]:
        return {
            "Put": {
                "TableName": self._table,
                "Item": item,
                "ConditionExpression": "attribute_not_exists(SK)",
            }
        }

    # --- digests -------------------------------------------------------------------------------------
    def digests_owed(self, before: date) -> Iterator[OwedDigest]:
        """Every partner's day before `before` that still owes its digest, shard by shard."""
        for shard in range(DIGEST_SHARDS):
            request: dict[str, Any] = {
                "TableName": self._table,
                "IndexName": DIGESTS_DUE,
                "KeyConditionExpression": "DIGPK = :shard AND DIGSK < :before",
                "ExpressionAttributeValues": {
                    ":shard": {"S": digest_partition(shard)},
                    ":before": {"S": before.isoformat()},
                },
            }
            for answer in pages(self._db.query, request):
                for item in answer.get("Items", []):
                    day, _, partner_id = item["DIGSK"]["S"].partition("#")
                    yield OwedDigest(partner_id, date.fromisoformat(day))

    def start_digest(self, owed: OwedDigest, now: datetime) -> dict[str, int] | None:
        """Mark the day's digest as started (no lead joins it from now on); its recipients with
        their lead counts, or None when it is no longer owed."""
        try:
            answer = self._db.update_item(
                TableName=self._table,
                Key=day_key(owed.partner_id, owed.day),
                UpdateExpression=(
                    "SET #state = if_not_exists(#state, :sending), digest_at = if_not_exists(digest_at, :now)"
                ),
                ConditionExpression="attribute_exists(DIGPK)",
                ExpressionAttributeNames={"#state": "digest_state"},
                ExpressionAttributeValues={":sending": {"S": "sending"}, ":now": {"S": now.isoformat()}},
                ReturnValues="ALL_NEW",
            )
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return None
            raise
        item = answer["Attributes"]
        return {
            address: int(item.get(count_attribute(address), {}).get("N", "0"))
            for address in item.get("digest_to", {}).get("SS", [])
        }

    def digest_entries(self, owed: OwedDigest, address: str, limit: int) -> list[dict[str, Any]]:
        """The first `limit` leads collected for one recipient's digest (each entry read once)."""
        request: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "PK = :pk AND begins_with(SK, :prefix)",
            "ExpressionAttributeValues": {
                ":pk": {"S": partner_key(owed.partner_id)},
                ":prefix": {"S": digest_entry_prefix(owed.day, address_tag(address))},
            },
            "ConsistentRead": True,
            "Limit": limit,
        }
        found: list[dict[str, Any]] = []
        for answer in pages(self._db.query, request):
            found += [json.loads(item["lead"]["S"]) for item in answer.get("Items", [])]
            request["Limit"] = limit - len(found)
            if len(found) >= limit:
                break
        return found[:limit]

    def finish_digest(self, owed: OwedDigest, now: datetime) -> None:
        """The day's digest went to everyone it could: it leaves `DigestsDue` (no later run sends it)."""
        self._db.update_item(
            TableName=self._table,
            Key=day_key(owed.partner_id, owed.day),
            UpdateExpression="SET #state = :sent, digest_at = :now REMOVE DIGPK, DIGSK",
            ExpressionAttributeNames={"#state": "digest_state"},
            ExpressionAttributeValues={":sent": {"S": "sent"}, ":now": {"S": now.isoformat()}},
        )


@dataclass(frozen=True)
class OwedDigest:
    """A partner's day whose leads past the first ten wait for the digest."""

    partner_id: str
    day: date

    @property
    def key(self) -> str:
        return f"digest#{self.day.isoformat()}"

    @property
    def owner(self) -> str:
        return f"{self.partner_id}#{self.day.isoformat()}"


def count_attribute(address: str) -> str:
    return f"c_{address_tag(address)}"


def settings_from(item: Mapping[str, Any] | None) -> NotificationSettings:
    if not item:
        return NotificationSettings()
    return NotificationSettings.model_validate_json(item["doc"]["S"])
