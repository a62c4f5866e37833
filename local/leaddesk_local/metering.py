"""Counting AWS requests per operation through botocore's `before-call` hook (tests, benchmarks)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any, Self

DYNAMODB_WRITES = ("TransactWriteItems", "PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem")


def write_requests(counts: Mapping[str, int]) -> int:
    """DynamoDB write requests among counted operations."""
    return sum(counts.get(operation, 0) for operation in DYNAMODB_WRITES)


class RequestCounter:
    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def __call__(self, model: Any, **_: Any) -> None:
        self.counts[model.name] += 1

    def watch(self, *clients: Any) -> Self:
        for watched in clients:
            watched.meta.events.register("before-call.*.*", self)
        return self

    def writes(self) -> int:
        return write_requests(self.counts)


class ItemsRead:
    """Items DynamoDB read for a client's requests, as it bills them: a Query's ScannedCount, one
    per GetItem that found its item, the items a BatchGetItem answered."""

    def __init__(self, client: Any) -> None:
        self.items = 0
        self.requests = 0
        client.meta.events.register("after-call.dynamodb.*", self._after)

    def _after(self, model: Any, parsed: dict[str, Any], **_: Any) -> None:
        self.requests += 1
        if model.name == "Query":
            self.items += int(parsed.get("ScannedCount", 0))
        elif model.name == "GetItem":
            self.items += 1 if parsed.get("Item") else 0
        elif model.name == "BatchGetItem":
            self.items += sum(len(v) for v in parsed.get("Responses", {}).values())
