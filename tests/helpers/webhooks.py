"""Driving the CRM push: a local receiver that answers as told, the webhooks API, the dispatcher's
and the deliverer's SQS batches, and services built with a clock of the test's own."""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.server
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from leaddesk.adapters import aws
from leaddesk.adapters.bus import EventPublisher
from leaddesk.adapters.webhook_http import WebhookSender
from leaddesk.adapters.webhook_queue import AttemptQueue
from leaddesk.adapters.webhook_secrets import SecretVault
from leaddesk.adapters.webhook_store import WebhookStore
from leaddesk.services.webhook_delivery import DisabledOnTheBus, WebhookDeliverer, WebhookRetrySweep
from leaddesk.services.webhooks import WebhooksService
from leaddesk_local.lambda_events import LambdaContext
from leaddesk_local.provision import Deployment, client
from tests.helpers.api import call_api
from tests.helpers.ingest import sqs_event


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """An HTTP server on 127.0.0.1 that records every POST and answers the next scripted
    (status, headers) — 200 once the script is used up."""

    script: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/leads"


@contextmanager
def receiver(*script: int | tuple[int, dict[str, str]]) -> Iterator[Receiver]:
    state = Receiver(script=[s if isinstance(s, tuple) else (s, {}) for s in script])
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with lock:
                state.received.append(
                    Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                )
                status, headers = state.script.pop(0) if state.script else (200, {})
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def call_webhooks_api(
    method: str, path: str, route_path: str, **kwargs: Any
) -> tuple[int, Any, dict[str, str]]:
    return call_api(method, path, route_path, function="webhooks_api.app", **kwargs)


def add_endpoint(url: str, **body: Any) -> dict[str, Any]:
    status, created, _ = call_webhooks_api("POST", "/webhooks", "/webhooks", body={"url": url, **body})
    assert status == 201, created
    return dict(created)


def deliveries(endpoint_id: str, **query: str) -> list[dict[str, Any]]:
    status, page, _ = call_webhooks_api(
        "GET",
        f"/webhooks/{endpoint_id}/deliveries",
        "/webhooks/{endpoint_id}/deliveries",
        path_parameters={"endpoint_id": endpoint_id},
        query={k: [v] for k, v in query.items()},
    )
    assert status == 200, page
    return list(page["items"])


def dispatch(*bodies: Any, message_ids: list[str] | None = None) -> dict[str, Any]:
    """Invoke WebhookDispatchFunction with an SQS batch of these bus events."""
    from webhook_dispatch.app import handler

    answer: dict[str, Any] = handler(
        sqs_event(*bodies, message_ids=message_ids), LambdaContext(function_name="WebhookDispatchFunction")
    )
    return answer


def pump_attempts(deployment: Deployment) -> int:
    """Hand every attempt now visible on the attempt queue to WebhookDeliveryFunction, one a batch
    (as its event source does), until none is left; how many were handed."""
    from webhook_delivery.app import handler

    sqs = client("sqs", None)
    url = deployment.refs["WebhookAttemptQueue"]
    handed = 0
    while True:
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1, WaitTimeSeconds=0).get(
            "Messages", []
        )
        if not messages:
            return handed
        message = messages[0]
        answer = handler(
            sqs_event(message["Body"], message_ids=[message["MessageId"]]),
            LambdaContext(function_name="WebhookDeliveryFunction"),
        )
        if not answer["batchItemFailures"]:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        handed += 1


def queued_delays(deployment: Deployment) -> list[int]:
    """The DelaySeconds of each message on the attempt queue (moto's record of them), emptying it."""
    from moto.sqs.models import sqs_backends

    from leaddesk_local.provision import ACCOUNT_ID, REGION

    queue = sqs_backends[ACCOUNT_ID][REGION].queues[
        deployment.attributes[("WebhookAttemptQueue", "QueueName")]
    ]
    delays = [
        round(max(0.0, message.delayed_until - message.sent_timestamp) / 1000) for message in queue._messages
    ]
    queue._messages.clear()
    return delays


def services(
    deployment: Deployment, clock: Callable[[], datetime], resolve: Any = None
) -> tuple[WebhooksService, WebhookDeliverer, WebhookRetrySweep]:
    """The API's service, the deliverer and the retry sweep on this deployment, on `clock`."""
    store = WebhookStore(aws.dynamodb(), deployment.refs["LeadsTable"])
    vault = SecretVault(aws.kms(), deployment.refs["WebhookSecretsKey"])
    queue = AttemptQueue(aws.sqs(), deployment.refs["WebhookAttemptQueue"])
    sender = WebhookSender(allow_loopback=True, **({"resolve": resolve} if resolve else {}))
    return (
        WebhooksService(store, vault, queue, clock, allow_loopback=True),
        WebhookDeliverer(
            store,
            vault,
            sender,
            queue,
            clock,
            DisabledOnTheBus(EventPublisher(aws.events(), deployment.outputs["EventBusName"])),
        ),
        WebhookRetrySweep(store, queue),
    )


def hand_signature(secret: str, message_id: str, timestamp: str, body: bytes) -> str:
    """The Standard Webhooks v1 signature computed from its definition, with hashlib alone."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    digest = hmac.new(key, f"{message_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()
