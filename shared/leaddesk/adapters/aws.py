"""AWS clients, created once per process (Lambda reuses them across invocations), on first use.

botocore directly, not boto3: boto3's import pulls in s3transfer and resource machinery LeadDesk
does not use (about a third of a cold start's floor). One botocore Session per process, and a
client is built when a request first needs it: the API's reads never pay for the bus or the
queues. `AWS_ENDPOINT_URL` (honoured by botocore) points them at the local stack's moto server.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from botocore.session import Session
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_kms import KMSClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_sesv2 import SESV2Client
    from mypy_boto3_sqs import SQSClient

    from leaddesk.adapters.people import CognitoUsers


@cache
def _session() -> Session:
    from botocore.session import get_session

    return get_session()


@cache
def _real_client(service: str) -> Any:
    from botocore.config import Config

    # DynamoDB answers in milliseconds; a call still waiting after 5 s is better retried. The
    # local stack raises it (AWS_READ_TIMEOUT): its moto server is slower than the service.
    # SES sends are never retried by botocore: an email resent after a 5xx or a timeout may arrive
    # twice. The mailer retries throttling itself (the one answer known to have sent nothing).
    # (`max_attempts` counts the retries after the first attempt; `total_max_attempts` them all.)
    config = Config(
        retries=(
            {"mode": "standard", "total_max_attempts": 1}
            if service == "sesv2"
            else {"mode": "standard", "max_attempts": 3}
        ),
        connect_timeout=2,
        read_timeout=float(os.environ.get("AWS_READ_TIMEOUT", "5")),
        max_pool_connections=20,
        # A local endpoint (the local stack's moto) has no per-bucket host names.
        s3={"addressing_style": "path" if os.environ.get("AWS_ENDPOINT_URL") else "auto"},
        signature_version="s3v4" if service == "s3" else None,
    )
    client = _session().create_client(service, config=config)
    for hook in _REQUEST_CHECKS:
        client.meta.events.register("before-parameter-build", hook)
    return client


# Checks run before each request of these clients is built (or presigned): the local stack and
# the tests check every call against the acting function's IAM role. Empty on Lambda.
_REQUEST_CHECKS: list[Callable[..., None]] = []


def check_requests_with(check: Callable[..., None]) -> None:
    """Run `check` (a botocore `before-parameter-build` handler) before every request of the
    clients created from now on; the clients already made are forgotten."""
    _REQUEST_CHECKS.append(check)
    reset_clients()


class _OnFirstUse:
    """A client that is created when something first asks it for anything."""

    def __init__(self, service: str) -> None:
        self._service = service

    def __getattr__(self, name: str) -> Any:
        return getattr(_real_client(self._service), name)


@cache
def _client(service: str) -> Any:
    return _OnFirstUse(service)


def dynamodb() -> DynamoDBClient:
    return cast("DynamoDBClient", _client("dynamodb"))


def events() -> EventBridgeClient:
    return cast("EventBridgeClient", _client("events"))


def sqs() -> SQSClient:
    return cast("SQSClient", _client("sqs"))


def s3() -> S3Client:
    return cast("S3Client", _client("s3"))


def sesv2() -> SESV2Client:
    return cast("SESV2Client", _client("sesv2"))


def kms() -> KMSClient:
    return cast("KMSClient", _client("kms"))


def cognito_idp() -> CognitoUsers:
    return cast("CognitoUsers", _client("cognito-idp"))


def reset_clients() -> None:
    """Forget cached clients (tests switch between moto back ends)."""
    _client.cache_clear()
    _real_client.cache_clear()
    _session.cache_clear()
