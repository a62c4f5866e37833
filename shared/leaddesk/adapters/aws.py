"""boto3 clients, created once per process (Lambda reuses them across invocations).

`AWS_ENDPOINT_URL` (honoured by boto3 itself) points them at the local stack's moto server.
"""

from __future__ import annotations

import os
from functools import cache
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_sqs import SQSClient

# DynamoDB answers in milliseconds; a call still waiting after 5 s is better retried. The local
# stack's moto server walks a whole table per index query, so it raises this (AWS_READ_TIMEOUT).
_CONFIG = Config(
    retries={"mode": "standard", "max_attempts": 3},
    connect_timeout=2,
    read_timeout=float(os.environ.get("AWS_READ_TIMEOUT", "5")),
    max_pool_connections=20,
)


@cache
def _session() -> boto3.session.Session:
    """One Session per process: each Session loads botocore's data afresh, which costs cold start."""
    return boto3.session.Session()


@cache
def _client(service: str) -> Any:
    return _session().client(service, config=_CONFIG)  # type: ignore[call-overload]


def dynamodb() -> DynamoDBClient:
    client: DynamoDBClient = _client("dynamodb")
    return client


def events() -> EventBridgeClient:
    client: EventBridgeClient = _client("events")
    return client


def sqs() -> SQSClient:
    client: SQSClient = _client("sqs")
    return client


def reset_clients() -> None:
    """Forget cached clients (tests switch between moto back ends)."""
    _client.cache_clear()
    _session.cache_clear()
