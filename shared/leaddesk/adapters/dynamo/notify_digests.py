"""The day counts (`VOL#<day>`) and digest entries (`DIG#<day>#<recipient tag>#<lead id>`): the
volume rule's count, the "digest owed" mark that puts a day in `DigestsDue`, and the digest run's
reads and marks."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from leaddesk.adapters.dynamo.keys import partner_key
from leaddesk.adapters.dynamo.notify_batch import Write, WritePurpose, put_new
from leaddesk.adapters.dynamo.notify_items import (
    DAY_TTL,
    DIGEST_SHARDS,
    DIGESTS_DUE,
    day_key,
    digest_entry_key,
    digest_entry_prefix,
    digest_index_keys,
    digest_partition,
    ttl_after,
)
from leaddesk.adapters.dynamo.paging import pages
from leaddesk.domain.deliveries import DigestEntry, OwedDigest, address_tag
from leaddesk.domain.emails import LeadFacts

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


def count_attribute(address: str) -> str:
    return f"c_{address_tag(address)}"


def put_digest_entry(table: str, entry: DigestEntry, owner: object) -> Write:
    row = {
        **digest_entry_key(
            entry.owed.partner_id, entry.owed.day, address_tag(entry.address), entry.facts.lead_id
        ),
        "type": {"S": "digest_entry"},
        "lead": {"S": entry.facts.model_dump_json()},
        "ttl": ttl_after(entry.at, DAY_TTL),
    }
    return Write(owner, WritePurpose.PLAIN, put_new(table, row))


def owe_digest(table: str, owed: OwedDigest, counts: Mapping[str, int]) -> Write:
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
        "TableName": table,
        "Key": day_key(owed.partner_id, owed.day),
        "UpdateExpression": "SET #pk = :DIGPK, #sk = :DIGSK ADD " + ", ".join(adds),
        "ConditionExpression": "attribute_not_exists(#state)",
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": values,
    }
    return Write(owed, WritePurpose.DIGEST_OWED, {"Update": update})


class DayCounts:
    """The day count items and the digest entries, as the notifier and the digest run use them."""

    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._db = client
        self._table = table_name

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

    def digest_entries(self, owed: OwedDigest, address: str, limit: int) -> list[LeadFacts]:
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
        found: list[LeadFacts] = []
        for answer in pages(self._db.query, request):
            found += [LeadFacts.model_validate_json(item["lead"]["S"]) for item in answer.get("Items", [])]
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
