"""Events on the bus and messages in queues, as tests observe them."""

from __future__ import annotations

import json
import time
from typing import Any

from leaddesk_local.provision import Deployment, client


def envelope(detail_type: str, detail: dict[str, Any], source: str = "test.producer") -> dict[str, Any]:
    return {
        "version": "0",
        "id": f"env-{detail.get('event_id', 'x')}",
        "detail-type": detail_type,
        "source": source,
        "account": "123456789012",
        "time": "2026-11-23T10:00:00Z",
        "region": "us-east-1",
        "resources": [],
        "detail": detail,
    }


def capture_bus_events(deployment: Deployment, pattern: dict[str, Any] | None = None) -> str:
    """A queue subscribed to the LeadDesk bus (by default to every `leaddesk` event); its URL."""
    return capture_bus_events_at(deployment, None, pattern)


def capture_bus_events_at(
    deployment: Deployment, endpoint_url: str | None, pattern: dict[str, Any] | None = None
) -> str:
    """`capture_bus_events` on the moto server at `endpoint_url` (None: the in-process mock)."""
    sqs, events = client("sqs", endpoint_url), client("events", endpoint_url)
    url = sqs.create_queue(QueueName=f"capture-{time.monotonic_ns()}")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    bus = deployment.outputs["EventBusName"]
    name = f"capture-{time.monotonic_ns()}"
    events.put_rule(Name=name, EventBusName=bus, EventPattern=json.dumps(pattern or {"source": ["leaddesk"]}))
    events.put_targets(Rule=name, EventBusName=bus, Targets=[{"Id": "capture", "Arn": arn}])
    return str(url)


def drain(queue_url: str, endpoint_url: str | None = None) -> list[dict[str, Any]]:
    """Every message now in a queue, removing them: JSON bodies parsed (others under `_raw`),
    message attributes under `_attributes`."""
    sqs = client("sqs", endpoint_url)
    found: list[dict[str, Any]] = []
    while True:
        messages = sqs.receive_message(
            QueueUrl=queue_url, MaxNumberOfMessages=10, MessageAttributeNames=["All"], WaitTimeSeconds=0
        ).get("Messages", [])
        if not messages:
            return found
        for message in messages:
            try:
                body = json.loads(message["Body"])
            except ValueError:
                body = None
            if not isinstance(body, dict):
                body = {"_raw": message["Body"]}
            body["_attributes"] = {
                k: v.get("StringValue") for k, v in message.get("MessageAttributes", {}).items()
            }
            found.append(body)
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])


def sent_body(message: dict[str, Any]) -> str:
    """The body a message `drain` returned was sent with, to hand it on as its queue would."""
    if "_raw" in message:
        return str(message["_raw"])
    return json.dumps({k: v for k, v in message.items() if k != "_attributes"})
