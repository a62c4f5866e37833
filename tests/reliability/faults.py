"""Faults injected into LeadDesk's own AWS calls through botocore, as the services would see them.

`FaultInjector` hooks `before-send` of the clients the handlers use (leaddesk.adapters.aws): a
seeded random answers some requests, instead of the service, with a throttling error (HTTP
400 `ThrottlingException` / `ProvisionedThroughputExceededException`) or a transient 5xx
(`InternalFailure`, `ServiceUnavailable`). The request never reaches moto, exactly as a
throttled request never reaches DynamoDB. botocore then does what it does on AWS: its standard
retry mode retries (the suite shortens only its backoff sleeps), and what still fails reaches
LeadDesk's code, whose answer — retry the record, park the event, answer 5xx — is under test.
"""

from __future__ import annotations

import json
import random
import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from botocore.awsrequest import AWSResponse

THROTTLING = {"dynamodb": "ProvisionedThroughputExceededException", "events": "ThrottlingException"}
TRANSIENT = (("InternalFailure", 500), ("ServiceUnavailable", 503))


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
    services: tuple[str, ...] = ("dynamodb", "sqs", "events")
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

    def _before_send(self, request: Any, **_: Any) -> AWSResponse | None:
        service, operation = _operation_of(request)
        with self._lock:
            self.attempts[f"{service} {operation}"] += 1
            if not self.enabled or service not in self.services or self._random.random() >= self.rate:
                return None
            throttle = self._random.random() < 0.5
            code, status = (
                (THROTTLING.get(service, "ThrottlingException"), 400)
                if throttle
                else (self._random.choice(TRANSIENT))
            )
            self.injected[f"{service} {operation} {'throttling' if throttle else status}"] += 1
        body = json.dumps({"__type": code, "message": "injected by the reliability suite"}).encode()
        headers = {"Content-Type": "application/x-amz-json-1.0", "x-amzn-ErrorType": code}
        return AWSResponse(request.url, status, headers, _Body(body))

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


def _operation_of(request: Any) -> tuple[str, str]:
    """(service, operation) of a signed request: JSON protocols name it in X-Amz-Target."""
    raw = request.headers.get("X-Amz-Target") or ""
    target = raw.decode() if isinstance(raw, bytes) else str(raw)
    host = request.url.split("//", 1)[-1]
    operation = target.rsplit(".", 1)[-1] if target else "?"
    if "AmazonSQS" in target:
        return "sqs", operation
    if "DynamoDB" in target:
        return "dynamodb", operation
    if "AWSEvents" in target:
        return "events", operation
    return host.split(".", 1)[0], operation
