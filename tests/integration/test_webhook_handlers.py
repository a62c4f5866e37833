"""The CRM push's functions through their handlers (as Lambda runs them, each call checked against
the function's own role): a malformed message dead-lettered, a failed attempt queued again, an
endpoint failing for five days disabled on the bus, and the retry function queueing what is due."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from leaddesk.domain.webhooks import AttemptOrder
from leaddesk_local.lambda_events import LambdaContext
from leaddesk_local.provision import Deployment, client
from tests.helpers.bus import capture_bus_events, drain
from tests.helpers.ingest import sqs_event
from tests.helpers.tenants import current_partner
from tests.helpers.webhooks import (
    add_endpoint,
    deliveries,
    dispatch,
    pump_attempts,
    queued_delays,
    receiver,
    services,
)


@pytest.fixture(autouse=True)
def _local_receivers(monkeypatch: pytest.MonkeyPatch, deployment: Deployment) -> None:
    monkeypatch.setenv("WEBHOOK_ALLOW_LOOPBACK", "true")


class Clock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


def _dead_letters(deployment: Deployment, output: str) -> list[dict[str, Any]]:
    sqs = client("sqs", None)
    answer = sqs.receive_message(
        QueueUrl=deployment.outputs[output], MaxNumberOfMessages=10, MessageAttributeNames=["All"]
    )
    return list(answer.get("Messages", []))


def test_a_malformed_message_is_dead_lettered_by_the_dispatcher_and_the_deliverer(
    deployment: Deployment,
) -> None:
    from webhook_delivery.app import handler as deliver

    assert dispatch("not json") == {"batchItemFailures": []}
    answer = deliver(sqs_event("not json"), LambdaContext(function_name="WebhookDeliveryFunction"))
    assert answer == {"batchItemFailures": []}
    (dispatched,) = _dead_letters(deployment, "WebhookEventsDeadLetterQueueUrl")
    (attempted,) = _dead_letters(deployment, "WebhookAttemptDeadLetterQueueUrl")
    for letter in (dispatched, attempted):
        assert letter["Body"] == "not json" and letter["MessageAttributes"]["leaddesk-reason"]["StringValue"]


def test_a_failed_attempt_is_queued_again_and_five_days_of_failures_disable_the_endpoint(
    deployment: Deployment,
) -> None:
    bus = capture_bus_events(deployment, {"source": ["leaddesk"], "detail-type": ["webhook.disabled"]})
    now = datetime.now(UTC)
    api, deliverer, _ = services(deployment, Clock(now - timedelta(days=6)))
    with receiver(500, 503) as crm:
        endpoint = add_endpoint(crm.url)
        partner = current_partner()
        # A first failure, six days ago (the deliverer on a clock of its own).
        old = api.send_test(partner, endpoint["id"])
        queued_delays(deployment)
        deliverer.attempt(
            AttemptOrder(partner_id=partner, endpoint_id=endpoint["id"], delivery_id=old.id, attempts=0)
        )
        queued_delays(deployment)
        # Today's test event, attempted by WebhookDeliveryFunction: it fails too, and the endpoint
        # has now failed for more than five days.
        api_now, _, _ = services(deployment, Clock(now))
        api_now.send_test(partner, endpoint["id"])
        assert pump_attempts(deployment) == 1
    assert queued_delays(deployment) == [5]  # its own retry, sent before the endpoint was disabled
    (event,) = drain(bus)
    assert event["detail"]["endpoint_id"] == endpoint["id"]
    with receiver(500) as crm:
        other = add_endpoint(crm.url)
        api_now.send_test(current_partner(), other["id"])
        assert pump_attempts(deployment) == 1  # failed: queued again after its first wait
    assert queued_delays(deployment) == [5]


def test_the_retry_function_queues_the_attempts_that_are_due(deployment: Deployment) -> None:
    from webhook_retry.app import handler as retry

    start = datetime.now(UTC) - timedelta(hours=2)
    api, deliverer, _ = services(deployment, Clock(start))
    with receiver(500, 500, 500) as crm:
        endpoint = add_endpoint(crm.url)
        partner = current_partner()
        test = api.send_test(partner, endpoint["id"])
        for attempts in range(3):  # 5 s, 5 min, then 30 min: past what a queue delay carries
            deliverer.attempt(
                AttemptOrder(
                    partner_id=partner, endpoint_id=endpoint["id"], delivery_id=test.id, attempts=attempts
                )
            )
        queued_delays(deployment)
        (logged,) = deliveries(endpoint["id"])
        due = datetime.fromisoformat(logged["next_attempt_at"])
        assert due < datetime.now(UTC)
        event = {
            "source": "aws.events",
            "detail-type": "Scheduled Event",
            "time": datetime.now(UTC).isoformat(),
        }
        answer = retry(event, LambdaContext(function_name="WebhookRetryFunction"))
    assert answer["queued"] == 1
    assert queued_delays(deployment) == [0]
