"""CRM push on moto: a partner registers an endpoint, receives its lead events signed (verified by
hand from the signature's definition and by the `standardwebhooks` verifier), sees failures
retried on schedule and in the log, replays one, and rotates its secret without a gap."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from standardwebhooks.webhooks import Webhook

from leaddesk.domain.webhooks import AttemptOrder
from leaddesk_local.lambda_events import LambdaContext
from leaddesk_local.provision import Deployment, client
from tests.helpers.bus import capture_bus_events, drain, sent_body
from tests.helpers.ingest import sqs_event
from tests.helpers.leads import make_lead
from tests.helpers.notify import inbox, lead_envelope, notifications, notify, put_settings, store
from tests.helpers.tenants import Partners, current_partner
from tests.helpers.webhooks import (
    add_endpoint,
    call_webhooks_api,
    deliveries,
    dispatch,
    hand_signature,
    pump_attempts,
    queued_delays,
    receiver,
    services,
)


@pytest.fixture(autouse=True)
def _local_receivers(monkeypatch: pytest.MonkeyPatch, deployment: Deployment) -> None:
    """The tests' receivers listen on 127.0.0.1, as `leaddesk webhooks listen` does on the local stack."""
    monkeypatch.setenv("WEBHOOK_ALLOW_LOOPBACK", "true")


class Clock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


def test_a_registered_endpoint_receives_each_lead_event_signed(deployment: Deployment) -> None:
    lead = make_lead()
    store(deployment.refs["LeadsTable"], lead)
    with receiver() as crm:
        created = add_endpoint(crm.url, description="Our CRM")
        assert created["secret"].startswith("whsec_") and created["enabled"] is True
        assert "lead.received" in created["events"] and "webhook.test" not in created["events"]
        assert dispatch(lead_envelope("lead.received", lead)) == {"batchItemFailures": []}
        assert pump_attempts(deployment) == 1
    (got,) = crm.received
    headers = got.headers
    assert headers["webhook-signature"] == hand_signature(
        created["secret"], headers["webhook-id"], headers["webhook-timestamp"], got.body
    )
    verified = Webhook(created["secret"]).verify(got.body, headers)
    assert verified["type"] == "lead.received"
    assert verified["data"]["lead_id"] == lead.lead_id and verified["data"]["etag"] == lead.etag
    assert verified["data"]["customer"]["email"] == "ada@contoso.com"
    assert len(got.body) < 20_000 and headers["content-type"] == "application/json"
    (logged,) = deliveries(created["id"])
    assert logged["status"] == "delivered" and logged["attempts"] == 1 and logged["last_status_code"] == 200
    assert logged["message_id"] == headers["webhook-id"] and logged["event_type"] == "lead.received"


def test_an_edit_is_sent_as_lead_updated_and_only_to_endpoints_that_asked(deployment: Deployment) -> None:
    lead = make_lead()
    store(deployment.refs["LeadsTable"], lead)
    with receiver() as updates, receiver() as received_only:
        add_endpoint(updates.url, events=["lead.updated"])
        add_endpoint(received_only.url, events=["lead.received"])
        dispatch(lead_envelope("lead.edited", lead, from_status="accepted"))
        pump_attempts(deployment)
    assert [json.loads(r.body)["type"] for r in updates.received] == ["lead.updated"]
    assert received_only.received == []


def test_a_change_published_twice_makes_one_delivery_with_one_message_id(deployment: Deployment) -> None:
    lead = make_lead()
    store(deployment.refs["LeadsTable"], lead)
    event = lead_envelope("lead.received", lead)
    # a producer's retry: another bus event (its own id and time) of the same change
    again = lead_envelope("lead.received", lead) | {"id": "another-bus-event", "time": "2026-11-23T10:00:09Z"}
    with receiver() as crm:
        endpoint = add_endpoint(crm.url)
        dispatch(event)
        dispatch(event)  # EventBridge and SQS deliver at least once
        dispatch(again)
        pump_attempts(deployment)
    assert len(crm.received) == 1
    (logged,) = deliveries(endpoint["id"])
    assert logged["created_at"] and logged["message_id"] == crm.received[0].headers["webhook-id"]


def test_failures_are_retried_on_schedule_then_failed_then_replayed_by_hand(deployment: Deployment) -> None:
    start = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    clock = Clock(start)
    api, deliverer, sweep = services(deployment, clock)
    schedule = [5, 300, 1800, 7200, 18000, 36000, 36000]
    with receiver(*([500] * 8)) as crm:
        endpoint = add_endpoint(crm.url)
        test = api.send_test(_partner(endpoint), endpoint["id"])
        assert queued_delays(deployment) == [0]
        order = AttemptOrder(
            partner_id=_partner(endpoint), endpoint_id=endpoint["id"], delivery_id=test.id, attempts=0
        )
        for attempt, wait in enumerate(schedule, start=1):
            deliverer.attempt(order)
            (logged,) = deliveries(endpoint["id"])
            assert logged["status"] == "pending" and logged["attempts"] == attempt
            assert logged["last_status_code"] == 500
            due = datetime.fromisoformat(logged["next_attempt_at"])
            assert due == clock.at + timedelta(seconds=wait)
            if wait <= 900:  # an SQS delay carries it
                assert queued_delays(deployment) == [wait]
            else:  # the due index: the sweep queues it once due, not before
                assert queued_delays(deployment) == []
                assert sweep.run(due - timedelta(seconds=1)) == 0
                assert sweep.run(due) == 1
                assert queued_delays(deployment) == [0]
                assert sweep.run(due) == 0  # queued once
            clock.at = due
            order = order.model_copy(update={"attempts": attempt})
        deliverer.attempt(order)
        (logged,) = deliveries(endpoint["id"])
        assert logged["status"] == "failed" and logged["attempts"] == 8 and logged["next_attempt_at"] is None
        assert queued_delays(deployment) == []
        # by hand, through the API: attempted again now with the same message id, and delivered
        status, retried, _ = call_webhooks_api(
            "POST",
            f"/webhooks/{endpoint['id']}/deliveries/{test.id}/retry",
            "/webhooks/{endpoint_id}/deliveries/{delivery_id}/retry",
            path_parameters={"endpoint_id": endpoint["id"], "delivery_id": test.id},
        )
        assert status == 202 and retried["status"] == "pending"
        pump_attempts(deployment)
    (logged,) = deliveries(endpoint["id"])
    assert logged["status"] == "delivered" and logged["attempts"] == 9
    assert {r.headers["webhook-id"] for r in crm.received} == {test.message_id}
    assert len(crm.received) == 9


def test_an_attempt_queued_twice_is_made_once(deployment: Deployment) -> None:
    clock = Clock(datetime.now(UTC))
    api, deliverer, _ = services(deployment, clock)
    with receiver() as crm:
        endpoint = add_endpoint(crm.url)
        test = api.send_test(_partner(endpoint), endpoint["id"])
        order = AttemptOrder(
            partner_id=_partner(endpoint), endpoint_id=endpoint["id"], delivery_id=test.id, attempts=0
        )
        assert deliverer.attempt(order)[0] == "attempted"
        assert deliverer.attempt(order)[0] == "skipped"
    assert len(crm.received) == 1


def test_retry_after_is_honoured_and_410_disables_the_endpoint(deployment: Deployment) -> None:
    clock = Clock(datetime.now(UTC))
    api, deliverer, _ = services(deployment, clock)
    with receiver((429, {"Retry-After": "120"}), 410) as crm:
        endpoint = add_endpoint(crm.url)
        test = api.send_test(_partner(endpoint), endpoint["id"])
        queued_delays(deployment)
        order = AttemptOrder(
            partner_id=_partner(endpoint), endpoint_id=endpoint["id"], delivery_id=test.id, attempts=0
        )
        deliverer.attempt(order)
        (logged,) = deliveries(endpoint["id"])
        assert datetime.fromisoformat(logged["next_attempt_at"]) == clock.at + timedelta(seconds=120)
        assert queued_delays(deployment) == [120]
        deliverer.attempt(order.model_copy(update={"attempts": 1}))
    (logged,) = deliveries(endpoint["id"])
    assert logged["status"] == "failed" and logged["last_status_code"] == 410
    shown = _get(endpoint["id"])[1]
    assert shown["enabled"] is False and shown["disabled_reason"] == "gone"


def test_five_days_of_failures_disable_the_endpoint_and_tell_the_referral_admins(
    deployment: Deployment,
) -> None:
    put_settings(referral_admin_emails=["ana@partner-contoso.com"], language="fr")
    bus = capture_bus_events(deployment, {"source": ["leaddesk"], "detail-type": ["webhook.disabled"]})
    clock = Clock(datetime(2026, 12, 1, tzinfo=UTC))
    api, deliverer, _ = services(deployment, clock)
    with receiver(*([503] * 3)) as crm:
        endpoint = add_endpoint(crm.url)
        for day in (0, 3, 5):
            clock.at = datetime(2026, 12, 1, tzinfo=UTC) + timedelta(days=day)
            test = api.send_test(_partner(endpoint), endpoint["id"])
            deliverer.attempt(
                AttemptOrder(
                    partner_id=_partner(endpoint), endpoint_id=endpoint["id"], delivery_id=test.id, attempts=0
                )
            )
            shown = _get(endpoint["id"])[1]
            assert shown["enabled"] is (day < 5), day
    assert shown["disabled_reason"] == "failing" and shown["failing_since"].startswith("2026-12-01")
    (event,) = drain(bus)
    assert event["detail"]["endpoint_id"] == endpoint["id"]
    for _ in range(2):  # a redelivered event tells once
        assert notify(sent_body(event)) == {"batchItemFailures": []}
    (mail,) = inbox("ana@partner-contoso.com")
    assert "LeadDesk a cessé d'envoyer des prospects" in mail.subject
    (item,) = [i for i in notifications()["items"] if i["kind"] == "webhook_disabled"]
    assert item["endpoint_id"] == endpoint["id"] and item["state"] == "open"


def test_a_rotated_secret_and_the_previous_one_both_verify_for_24_hours(deployment: Deployment) -> None:
    clock = Clock(datetime.now(UTC))
    api, deliverer, _ = services(deployment, clock)
    with receiver() as crm:
        endpoint = add_endpoint(crm.url)
        old = endpoint["secret"]
        status, rotated, _ = call_webhooks_api(
            "POST",
            f"/webhooks/{endpoint['id']}/rotate-secret",
            "/webhooks/{endpoint_id}/rotate-secret",
            path_parameters={"endpoint_id": endpoint["id"]},
        )
        assert status == 200 and rotated["secret"].startswith("whsec_") and rotated["secret"] != old
        for later in (timedelta(hours=23), timedelta(hours=25)):
            clock.at = datetime.now(UTC) + later
            test = api.send_test(_partner(endpoint), endpoint["id"])
            deliverer.attempt(
                AttemptOrder(
                    partner_id=_partner(endpoint), endpoint_id=endpoint["id"], delivery_id=test.id, attempts=0
                )
            )
    within, after = crm.received
    assert len(within.headers["webhook-signature"].split(" ")) == 2
    assert len(after.headers["webhook-signature"].split(" ")) == 1
    for got, secrets in ((within, (old, rotated["secret"])), (after, (rotated["secret"],))):
        for secret in secrets:
            expected = hand_signature(
                secret, got.headers["webhook-id"], got.headers["webhook-timestamp"], got.body
            )
            assert expected in got.headers["webhook-signature"].split(" ")
    assert hand_signature(
        old, after.headers["webhook-id"], after.headers["webhook-timestamp"], after.body
    ) not in (after.headers["webhook-signature"].split(" "))


def test_a_host_resolving_to_a_private_address_is_refused_at_delivery(deployment: Deployment) -> None:
    """Saved while its name pointed somewhere public, it now resolves to the VPC: nothing is sent."""
    clock = Clock(datetime.now(UTC))

    def rebinding(host: str, port: int, **_: Any) -> list[tuple[Any, ...]]:
        return [(2, 1, 6, "", ("10.0.0.7", port))]

    api, deliverer, _ = services(deployment, clock, resolve=rebinding)
    endpoint = add_endpoint("https://crm.partner-contoso.example/hooks")
    test = api.send_test(_partner(endpoint), endpoint["id"])
    deliverer.attempt(
        AttemptOrder(
            partner_id=_partner(endpoint), endpoint_id=endpoint["id"], delivery_id=test.id, attempts=0
        )
    )
    (logged,) = deliveries(endpoint["id"])
    assert logged["status"] == "pending" and logged["last_status_code"] is None
    assert "10.0.0.7" in logged["last_error"]


def test_send_test_event_through_the_api(deployment: Deployment) -> None:
    with receiver() as crm:
        endpoint = add_endpoint(crm.url)
        status, queued, _ = call_webhooks_api(
            "POST",
            f"/webhooks/{endpoint['id']}/test",
            "/webhooks/{endpoint_id}/test",
            path_parameters={"endpoint_id": endpoint["id"]},
        )
        assert status == 202 and queued["event_type"] == "webhook.test" and queued["status"] == "pending"
        pump_attempts(deployment)
    (got,) = crm.received
    body = Webhook(endpoint["secret"]).verify(got.body, got.headers)
    assert body["type"] == "webhook.test" and body["data"]["endpoint_id"] == endpoint["id"]


def test_endpoints_api_shapes_roles_and_tenants(deployment: Deployment, partners: Partners) -> None:
    endpoint = add_endpoint("https://crm.partner-contoso.example/hooks", events=["lead.won", "lead.lost"])
    status, listed, _ = call_webhooks_api("GET", "/webhooks", "/webhooks")
    assert status == 200 and [e["id"] for e in listed["items"]] == [endpoint["id"]]
    assert "secret" not in listed["items"][0]
    status, shown, _ = _get(endpoint["id"])
    assert status == 200 and "secret" not in shown and shown["events"] == ["lead.won", "lead.lost"]
    status, patched, _ = call_webhooks_api(
        "PATCH",
        f"/webhooks/{endpoint['id']}",
        "/webhooks/{endpoint_id}",
        path_parameters={"endpoint_id": endpoint["id"]},
        body={"enabled": False, "description": "paused"},
    )
    assert status == 200 and patched["enabled"] is False and patched["description"] == "paused"
    for role in ("viewer", "profile_admin"):
        status, body, _ = call_webhooks_api("GET", "/webhooks", "/webhooks", roles=(role,))
        assert status == 403, body
    status, body, _ = _get(endpoint["id"], partner=partners.other)
    assert status == 404, body
    status, body, _ = call_webhooks_api(
        "POST",
        f"/webhooks/{endpoint['id']}/rotate-secret",
        "/webhooks/{endpoint_id}/rotate-secret",
        path_parameters={"endpoint_id": endpoint["id"]},
        partner=partners.other,
    )
    assert status == 404, body
    status, _, _ = call_webhooks_api(
        "DELETE",
        f"/webhooks/{endpoint['id']}",
        "/webhooks/{endpoint_id}",
        path_parameters={"endpoint_id": endpoint["id"]},
    )
    assert status == 204
    assert _get(endpoint["id"])[0] == 404


@pytest.mark.parametrize(
    "url",
    [
        "http://crm.partner-contoso.example/hooks",  # https only (loopback excepted on the local stack)
        "https://10.1.2.3/hooks",
        "https://169.254.169.254/latest/meta-data",
        "https://[::ffff:10.0.0.1]/hooks",
        "https://[fe80::1]/hooks",
        "https://user:pass@crm.partner-contoso.example/hooks",
        "ftp://crm.partner-contoso.example/hooks",
        "http://169.254.169.254:80/",  # metadata stays refused even where loopback is allowed
    ],
)
def test_refused_urls_answer_422_naming_url(deployment: Deployment, url: str) -> None:
    status, body, _ = call_webhooks_api("POST", "/webhooks", "/webhooks", body={"url": url})
    assert status == 422 and body["field"] == "url", body


def test_in_aws_loopback_is_refused_too(deployment: Deployment, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEBHOOK_ALLOW_LOOPBACK", "false")  # what template.yaml gives the function
    for url in ("http://127.0.0.1:8787/leads", "https://127.0.0.1/leads", "https://[::ffff:127.0.0.1]/x"):
        status, body, _ = call_webhooks_api("POST", "/webhooks", "/webhooks", body={"url": url})
        assert status == 422 and body["field"] == "url", (url, body)


def test_unknown_events_answer_422_naming_events(deployment: Deployment) -> None:
    for events in (["lead.nope"], ["webhook.test"], []):
        status, body, _ = call_webhooks_api(
            "POST", "/webhooks", "/webhooks", body={"url": "https://crm.example.com/h", "events": events}
        )
        assert status == 422 and body["field"].startswith("events"), body


def _get(endpoint_id: str, **kwargs: Any) -> tuple[int, Any, dict[str, str]]:
    return call_webhooks_api(
        "GET",
        f"/webhooks/{endpoint_id}",
        "/webhooks/{endpoint_id}",
        path_parameters={"endpoint_id": endpoint_id},
        **kwargs,
    )


def _partner(endpoint: dict[str, Any]) -> str:
    from tests.helpers.tenants import current_partner

    return current_partner()


# --- the functions through their handlers (each call checked against the function's own role) ---


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


def test_an_order_redelivered_after_its_attempt_was_recorded_queues_the_next_one(
    deployment: Deployment,
) -> None:
    """The invocation recorded its attempt, then could not queue the next one: SQS delivers the
    order again, and it queues that next attempt instead of dropping it as overtaken (found by the
    fault-injection suite: a delivery left pending after one attempt)."""
    from botocore.exceptions import ClientError

    from leaddesk.adapters import aws
    from webhook_delivery.app import handler as deliver

    with receiver(500) as crm:
        endpoint = add_endpoint(crm.url)
        test = call_webhooks_api(
            "POST",
            f"/webhooks/{endpoint['id']}/test",
            "/webhooks/{endpoint_id}/test",
            path_parameters={"endpoint_id": endpoint["id"]},
        )
        assert test[0] == 202
        sqs = client("sqs", None)
        url = deployment.refs["WebhookAttemptQueue"]
        (message,) = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1)["Messages"]
        sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])

        def refuse(**_: Any) -> None:
            raise ClientError({"Error": {"Code": "InternalError", "Message": "SQS is down"}}, "SendMessage")

        functions_sqs: Any = aws.sqs()
        functions_sqs.meta.events.register("before-call.sqs.SendMessage", refuse)
        try:
            first = deliver(
                sqs_event(message["Body"], message_ids=[message["MessageId"]]),
                LambdaContext(function_name="WebhookDeliveryFunction"),
            )
        finally:
            functions_sqs.meta.events.unregister("before-call.sqs.SendMessage", refuse)
        assert first == {"batchItemFailures": [{"itemIdentifier": message["MessageId"]}]}
        assert queued_delays(deployment) == []  # the attempt was recorded, its retry not queued
        again = sqs_event(message["Body"], message_ids=[message["MessageId"]])
        again["Records"][0]["attributes"]["ApproximateReceiveCount"] = "2"
        assert deliver(again, LambdaContext(function_name="WebhookDeliveryFunction")) == {
            "batchItemFailures": []
        }
    assert len(crm.received) == 1  # not attempted twice
    (logged,) = deliveries(endpoint["id"])
    assert logged["status"] == "pending" and logged["attempts"] == 1
    assert queued_delays(deployment) == [5]
