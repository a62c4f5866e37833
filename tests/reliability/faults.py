"""Faults injected into LeadDesk's own AWS calls through botocore, as the services would see them.

`FaultInjector` hooks `before-send` of the clients the handlers use (leaddesk.adapters.aws): a
seeded random answers some requests, instead of the service, with the service's own throttling
error (DynamoDB's `ProvisionedThroughputExceededException`, EventBridge's and SQS's
`ThrottlingException`, SES's `TooManyRequestsException` (429), S3's `SlowDown` (503)) or a
transient 5xx (`InternalFailure` / S3's `InternalError`, `ServiceUnavailable`), in the
service's own wire format (JSON, or XML for S3). The request never reaches moto, exactly as a
throttled request never reaches DynamoDB — but for half of SES's 5xx, which come after SES
accepted the email (moto sends it; LeadDesk sees only the error): a send LeadDesk cannot know
went, which it must never make again. botocore then does what it does on AWS: its standard
retry mode retries (the suite shortens only its backoff sleeps; SES's client makes one attempt,
its throttling is retried by the mailer), and what still fails reaches LeadDesk's code, whose
answer — retry the record, park the event, answer 5xx, end the export `failed` — is under test.
"""

from __future__ import annotations

import json
import random
import threading
import urllib.request
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from botocore.awsrequest import AWSResponse

THROTTLING = {
    "dynamodb": ("ProvisionedThroughputExceededException", 400),
    "sesv2": ("TooManyRequestsException", 429),
    "s3": ("SlowDown", 503),
}
TRANSIENT = (("InternalFailure", 500), ("ServiceUnavailable", 503))
S3_TRANSIENT = (("InternalError", 500), ("ServiceUnavailable", 503))
# botocore's event names carry the service id; the figures use the clients' own names.
SERVICE_NAMES = {"eventbridge": "events"}


class _Body:
    """The raw HTTP body botocore reads an injected answer from."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._data


@dataclass
class FaultInjector:
    seed: int
    rate: float  # share of requests answered with a fault, per service
    services: tuple[str, ...] = ("dynamodb", "sqs", "events", "sesv2", "s3")
    injected: Counter[str] = field(default_factory=Counter)  # "service Operation kind" → count
    attempts: Counter[str] = field(default_factory=Counter)  # every request sent (retries too)
    calls: Counter[str] = field(default_factory=Counter)  # every API call made (before retries)
    enabled: bool = True

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)
        self._lock = threading.Lock()

    def install(self, clients: Iterable[Any]) -> None:
        for client in clients:
            client.meta.events.register_first("before-send", self._before_send)
            client.meta.events.register_first("before-call", self._before_call)

    @contextmanager
    def paused(self) -> Iterator[None]:
        """No faults while the suite itself inspects or repairs (an operator's redrive, say)."""
        self.enabled = False
        try:
            yield
        finally:
            self.enabled = True

    def _before_call(self, model: Any, **_: Any) -> None:
        with self._lock:
            self.calls[f"{model.service_model.service_name} {model.name}"] += 1

    def _before_send(self, request: Any, event_name: str, **_: Any) -> AWSResponse | None:
        service, operation = _operation_of(event_name)
        with self._lock:
            self.attempts[f"{service} {operation}"] += 1
            if not self.enabled or service not in self.services or self._random.random() >= self.rate:
                return None
            throttle = self._random.random() < 0.5
            code, status = (
                THROTTLING.get(service, ("ThrottlingException", 400))
                if throttle
                else self._random.choice(S3_TRANSIENT if service == "s3" else TRANSIENT)
            )
            # Half of SES's server errors come after it accepted the email: sent, yet unknown.
            accepted = service == "sesv2" and not throttle and self._random.random() < 0.5
            kind = "throttling" if throttle else f"{status} after accepting" if accepted else str(status)
            self.injected[f"{service} {operation} {kind}"] += 1
        if accepted:
            _forward(request)
        return AWSResponse(request.url, status, *_error(service, code))

    @property
    def total(self) -> int:
        return sum(self.injected.values())

    def by_service(self) -> dict[str, int]:
        found: Counter[str] = Counter()
        for key, count in self.injected.items():
            found[key.split()[0]] += count
        return dict(sorted(found.items()))

    def sdk_retries(self) -> int:
        """Requests sent beyond the first of each call: botocore's own retries."""
        return sum(self.attempts.values()) - sum(self.calls.values())


def _operation_of(event_name: str) -> tuple[str, str]:
    """(service, operation) of a request about to be sent: `before-send.<service id>.<operation>`."""
    _, service, operation = [*event_name.split(".", 2), "?", "?"][:3]
    return SERVICE_NAMES.get(service, service), operation


def _forward(request: Any) -> None:
    """The request, as signed, to the service (moto): it does what it asks; its answer is dropped."""
    body = request.body if isinstance(request.body, bytes) else str(request.body or "").encode()
    headers = {
        name: value.decode() if isinstance(value, bytes) else value for name, value in request.headers.items()
    }
    forwarded = urllib.request.Request(request.url, data=body, headers=headers, method=request.method)
    with urllib.request.urlopen(forwarded, timeout=60) as answer:
        answer.read()


def _error(service: str, code: str) -> tuple[dict[str, str], _Body]:
    """The headers and body of an error answer, as the service words it (S3 in XML)."""
    message = "injected by the reliability suite"
    if service == "s3":
        xml = f"<?xml version='1.0' encoding='UTF-8'?><Error><Code>{code}</Code><Message>{message}</Message>"
        xml += "</Error>"
        return {"Content-Type": "application/xml"}, _Body(xml.encode())
    body = json.dumps({"__type": code, "message": message}).encode()
    return {"Content-Type": "application/x-amz-json-1.0", "x-amzn-ErrorType": code}, _Body(body)
