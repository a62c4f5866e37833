"""The notifier's batched DynamoDB calls: consistent BatchGetItem, BatchWriteItem, and tagged
transactions whose cancellation says which of its writes failed and what each was for.

Each write of a transaction is tagged (`Write`: the notice or partner it belongs to, its `WritePurpose`),
so the store can turn the failed positions of a cancelled transaction into domain results.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from leaddesk.adapters.batching import chunked
from leaddesk.adapters.dynamo.paging import cancellation_reasons, conflicted

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

BATCH_GET_LIMIT = 100
BATCH_WRITE_LIMIT = 25
TRANSACTION_LIMIT = 100
CONFLICT_ATTEMPTS = 6
Key = tuple[str, str]


class WritePurpose(StrEnum):
    CLAIM = "claim"  # an action item or a delivery that says "this notice is being handled"
    FEED = "feed"  # the feed's unread count
    DIGEST_OWED = "digest_owed"  # the day's "a digest is owed" mark
    PLAIN = "plain"  # no condition worth telling apart


@dataclass(frozen=True)
class Write:
    owner: Any  # what the write belongs to: a notice key, a partner, an owed digest
    purpose: WritePurpose
    request: dict[str, Any]


def item_key(item: Mapping[str, Any]) -> Key:
    return item["PK"]["S"], item["SK"]["S"]


def put_new(table: str, item: dict[str, Any]) -> dict[str, Any]:
    """A put that claims its key: it fails when the item exists."""
    return {"Put": {"TableName": table, "Item": item, "ConditionExpression": "attribute_not_exists(SK)"}}


class NotifyBatches:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._db = client
        self._table = table_name

    def get_many(self, keys: Iterable[Mapping[str, Any]]) -> dict[Key, Mapping[str, Any]]:
        """Items that exist among `keys` (consistent BatchGetItem, in hundreds)."""
        found: dict[Key, Mapping[str, Any]] = {}
        unique = {item_key(k): k for k in keys}
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

    def transact(self, writes: list[Write]) -> list[Write]:
        """Write all, in transactions of at most 100; the writes whose condition failed (then
        nothing of their transaction was written). Conflicts with other writers are retried."""
        failed: list[Write] = []
        for start in range(0, len(writes), TRANSACTION_LIMIT):
            chunk = writes[start : start + TRANSACTION_LIMIT]
            failed += [chunk[position] for position in sorted(self._transact_chunk(chunk))]
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
