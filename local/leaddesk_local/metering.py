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
