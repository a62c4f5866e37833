"""IngestService and the ingest handler on moto: dedupe window, test leads, transient failures,
partial PutEvents failures, write cost, and a mixed batch in which every event is accounted for."""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leaddesk.adapters import aws
from leaddesk.adapters.dead_letters import RETRIES_EXHAUSTED, DeadLetterQueue, describe
from leaddesk.adapters.dynamo.keys import event_marker_key
from leaddesk.services.ingest import IngestService, RecordFate, RecordResult
from leaddesk.services.records import QueuedRecord
from leaddesk_local.metering import RequestCounter
from leaddesk_local.provision import Deployment, client
from tests.helpers.bus import capture_bus_events, drain, envelope
from tests.helpers.ingest import invoke, leads_of, marketplace_lead, sqs_event
from tests.helpers.services import ingest_queue, ingest_service, sqs_batch
from tests.helpers.strategies import json_values
from tests.helpers.tenants import Partners, current_partner

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def service(deployment: Deployment, clock: Callable[[], datetime]) -> IngestService:
    return ingest_service(deployment, clock, backoff=0)


def records(*bodies: Any, prefix: str = "m") -> list[QueuedRecord]:
    return [
        QueuedRecord(f"{prefix}-{n}", body if isinstance(body, str) else json.dumps(body))
        for n, body in enumerate(bodies)
    ]


def lead_item(partner: str, lead_id: str) -> dict[str, Any]:
    item: dict[str, Any] = client("dynamodb", None).get_item(
        TableName=os.environ["TABLE_NAME"],
        Key={"PK": {"S": f"P#{partner}"}, "SK": {"S": f"L#{lead_id}"}},
    )["Item"]
    return item


# --- dedupe window ----------------------------------------------------------------------------
def test_a_repeat_inside_24h_is_a_touchpoint_and_at_24h_a_new_lead(
    deployment: Deployment, partners: Partners
) -> None:
    captured = capture_bus_events(deployment)
    clock = Clock(T0)
    ingest = service(deployment, clock)
    [first] = ingest.ingest(records(marketplace_lead("w-1", email="Sam@Contoso.com"), prefix="a"))
    assert first.fate is RecordFate.CREATED

    clock.now = T0 + timedelta(hours=24) - timedelta(seconds=1)
    [repeat] = ingest.ingest(records(marketplace_lead("w-2", email="sam@contoso.com"), prefix="b"))
    assert (repeat.fate, repeat.lead_id) == (RecordFate.TOUCHPOINT, first.lead_id)
    item = lead_item(partners.contoso, str(first.lead_id))
    assert item["touch_count"]["N"] == "2"
    assert item["touch_last_seen"]["S"] == clock.now.isoformat()

    clock.now = T0 + timedelta(hours=24)  # the window is [first, first + 24 h)
    [later] = ingest.ingest(records(marketplace_lead("w-3", email="sam@contoso.com"), prefix="c"))
    assert later.fate is RecordFate.CREATED and later.lead_id != first.lead_id

    clock.now = T0 + timedelta(hours=30)  # inside the new lead's window
    [again] = ingest.ingest(records(marketplace_lead("w-4", email="SAM@contoso.com"), prefix="d"))
    assert (again.fate, again.lead_id) == (RecordFate.TOUCHPOINT, later.lead_id)

    announced = [event["detail"]["lead_id"] for event in drain(captured)]
    assert announced == [first.lead_id, later.lead_id]  # touchpoints send no lead.received


def test_another_call_to_action_or_offer_is_not_a_repeat(deployment: Deployment) -> None:
    ingest = service(deployment, Clock(T0))
    base = marketplace_lead("o-1")
    other_action = marketplace_lead("o-2")
    other_action["detail"] |= {"LeadSource": "AppSource-INS | contoso.crm", "ActionCode": "INS"}
    other_offer = marketplace_lead("o-3")
    other_offer["detail"]["LeadSource"] = "AppSource-PLT | contoso.erp"
    results = ingest.ingest(records(base, other_action, other_offer))
    assert [r.fate for r in results] == [RecordFate.CREATED] * 3


# --- test leads --------------------------------------------------------------------------------
def test_a_test_lead_is_stored_flagged_and_announced_as_a_test(
    deployment: Deployment, partners: Partners
) -> None:
    captured = capture_bus_events(deployment)
    probe = envelope(
        "Marketplace Lead",
        {
            "partner_id": partners.contoso,
            "event_id": "t-1",
            "UserDetails": {
                "FirstName": "MSFT_TEST",
                "LastName": "MSFT_TEST",
                "Email": "MSFT_TEST@contoso.com",
            },
            "LeadSource": "AzureMarketplace-PLT | contoso.crm",
        },
    )
    [result] = service(deployment, Clock(T0)).ingest(records(probe))
    assert result.fate is RecordFate.CREATED
    assert lead_item(partners.contoso, str(result.lead_id))["is_test"] == {"BOOL": True}
    [event] = drain(captured)
    assert event["detail"]["is_test"] is True  # notifiers skip it


# --- idempotency and cost ------------------------------------------------------------------------


def test_duplicates_cost_no_write_and_touchpoints_one(deployment: Deployment) -> None:
    ingest = service(deployment, Clock(T0))
    ingest.ingest(records(marketplace_lead("c-1", email="kim@contoso.com"), prefix="first"))
    counted = RequestCounter().watch(aws.dynamodb())
    [duplicate] = ingest.ingest(records(marketplace_lead("c-1", email="kim@contoso.com"), prefix="again"))
    assert duplicate.fate is RecordFate.DUPLICATE
    assert counted.writes() == 0 and counted.counts["BatchGetItem"] == 1

    counted.counts.clear()
    [touch] = ingest.ingest(records(marketplace_lead("c-2", email="kim@contoso.com"), prefix="repeat"))
    assert touch.fate is RecordFate.TOUCHPOINT
    assert counted.writes() == 1

    counted.counts.clear()
    batch = [marketplace_lead(f"c-new-{n}", email=f"n{n}@contoso.com") for n in range(10)]
    results = ingest.ingest(records(*batch, marketplace_lead("c-new-3", email="n3@contoso.com"), prefix="b"))
    assert Counter(r.fate for r in results) == {RecordFate.CREATED: 10, RecordFate.DUPLICATE: 1}
    # per new lead one transaction and one BatchWriteItem of its index entries; none for the
    # in-batch duplicate
    assert counted.writes() == 20 and counted.counts["BatchWriteItem"] == 10


def test_the_same_event_in_one_batch_and_across_batches_is_one_lead(
    deployment: Deployment, partners: Partners
) -> None:
    captured = capture_bus_events(deployment)
    ingest = service(deployment, Clock(T0))
    first = ingest.ingest(records(marketplace_lead("i-1"), marketplace_lead("i-1"), prefix="x"))
    second = ingest.ingest(records(marketplace_lead("i-1"), prefix="y"))
    assert [r.fate for r in first + second] == [
        RecordFate.CREATED,
        RecordFate.DUPLICATE,
        RecordFate.DUPLICATE,
    ]
    assert len(leads_of(partners.contoso)) == 1
    assert len(drain(captured)) == 1


# --- transient failures -------------------------------------------------------------------------------
def error_response(code: str, status: int = 400) -> tuple[AWSResponse, dict[str, Any]]:
    """What botocore would parse from AWS for this error: raised by the client as a real ClientError."""
    return AWSResponse("https://dynamodb.us-east-1.amazonaws.com/", status, {}, None), {
        "Error": {"Code": code, "Message": f"injected {code}"},
        "ResponseMetadata": {"HTTPStatusCode": status},
    }


@pytest.fixture
def throttled_writes(deployment: Deployment, partners: Partners) -> Iterator[dict[str, int]]:
    """DynamoDB answers TransactWriteItems with ProvisionedThroughputExceededException for the
    event ids (of the test's partner) the dict names, as many times as it says. The ingest service
    writes a batch's records in parallel, so the throttled write is chosen by its content, not by
    call order. Injected through botocore's events."""
    remaining: dict[str, int] = {}

    def throttle(params: dict[str, Any], **_: Any) -> tuple[AWSResponse, dict[str, Any]] | None:
        body = params["body"].decode() if isinstance(params["body"], bytes) else str(params["body"])
        for event_id, count in remaining.items():
            _, marker = event_marker_key(partners.contoso, event_id)
            if count > 0 and json.dumps(marker) in body:
                remaining[event_id] = count - 1
                return error_response("ProvisionedThroughputExceededException")
        return None

    db = aws.dynamodb()
    db.meta.events.register_first("before-call.dynamodb.TransactWriteItems", throttle)
    yield remaining
    db.meta.events.unregister("before-call.dynamodb.TransactWriteItems", throttle)


def test_throttling_is_retried_through_the_partial_batch_response(
    deployment: Deployment, throttled_writes: dict[str, int], partners: Partners
) -> None:
    captured = capture_bus_events(deployment)
    throttled_writes["tr-1"] = 1  # tr-1's write is throttled once; botocore does not retry it here
    event = sqs_event(marketplace_lead("tr-1"), marketplace_lead("tr-2", email="b@contoso.com"))
    answer = invoke(event)
    throttled_id = event["Records"][0]["messageId"]
    assert answer == {"batchItemFailures": [{"itemIdentifier": throttled_id}]}
    assert [lead["event_id"] for lead in leads_of(partners.contoso)] == ["tr-2"]
    dlq = deployment.outputs["IngestDeadLetterQueueUrl"]
    assert drain(dlq) == []  # a transient failure is not a dead letter

    # SQS redelivers only the failed record (same message id): the lead arrives.
    redelivery = {"Records": [event["Records"][0]]}
    assert invoke(redelivery) == {"batchItemFailures": []}
    assert sorted(lead["event_id"] for lead in leads_of(partners.contoso)) == ["tr-1", "tr-2"]
    assert sorted(e["detail"]["event_id"] for e in drain(captured)) == ["tr-1", "tr-2"]


def test_a_partially_failed_put_events_is_retried_then_redelivered(
    deployment: Deployment, flaky_put_events: set[str], partners: Partners
) -> None:
    captured = capture_bus_events(deployment)
    flaky_put_events.add("pe-2")
    calls = RequestCounter().watch(aws.events())
    event = sqs_event(*(marketplace_lead(f"pe-{n}", email=f"pe{n}@contoso.com") for n in range(3)))
    answer = invoke(event)
    failed_id = event["Records"][2]["messageId"]
    assert answer == {"batchItemFailures": [{"itemIdentifier": failed_id}]}
    assert calls.counts["PutEvents"] == 3  # one call, then the failed entry retried twice
    assert sorted(e["detail"]["event_id"] for e in drain(captured)) == ["pe-0", "pe-1"]
    assert len(leads_of(partners.contoso)) == 3  # stored, but not yet announced

    flaky_put_events.clear()  # the bus recovers; SQS redelivers the same message
    assert invoke({"Records": [event["Records"][2]]}) == {"batchItemFailures": []}
    [late] = drain(captured)
    assert late["detail"]["event_id"] == "pe-2" and late["detail-type"] == "lead.received"
    assert len(leads_of(partners.contoso)) == 3


# --- dead letters -----------------------------------------------------------------------------------
def test_a_mixed_batch_accounts_for_every_event(deployment: Deployment, partners: Partners) -> None:
    captured = capture_bus_events(deployment)
    ingest = service(deployment, Clock(T0))
    ingest.ingest(records(marketplace_lead("mix-old", email="old@contoso.com"), prefix="earlier"))
    drain(captured)
    bodies: list[Any] = [
        marketplace_lead("mix-1", email="one@contoso.com"),
        marketplace_lead("mix-old", email="old@contoso.com"),  # same event id again
        marketplace_lead("mix-2", email="old@contoso.com"),  # same customer, offer, action
        envelope(
            "Qualified Lead", {"partner_id": partners.contoso, "event_id": "mix-3", "lead_type": "nonsense"}
        ),
        "{definitely not json",
        envelope("Profile Inquiry", {"partner_id": partners.contoso, "event_id": "mix-4", "customer": {}}),
        marketplace_lead("mix-1", email="one@contoso.com"),  # in-batch duplicate
        json.dumps(["an", "array"]),
    ]
    results: list[RecordResult] = []

    def handle(batch: Sequence[QueuedRecord]) -> list[RecordResult]:
        results.extend(ingest.ingest(batch))
        return results

    answer = ingest_queue(deployment).consume(sqs_batch(records(*bodies, prefix="mix")), handle)
    assert answer == {"batchItemFailures": []}
    assert len(results) == len(bodies) and len({r.message_id for r in results}) == len(bodies)
    fates = [r.fate for r in results]
    assert fates == [
        RecordFate.CREATED,
        RecordFate.DUPLICATE,
        RecordFate.TOUCHPOINT,
        RecordFate.DEAD_LETTER,
        RecordFate.DEAD_LETTER,
        RecordFate.CREATED,
        RecordFate.DUPLICATE,
        RecordFate.DEAD_LETTER,
    ]
    # Every outcome is visible where it should be: leads, touchpoints, dead letters, events.
    stored = {lead["event_id"] for lead in leads_of(partners.contoso)}
    assert stored == {"mix-old", "mix-1", "mix-4"}
    old = next(r for r in results if r.fate is RecordFate.TOUCHPOINT)
    assert lead_item(partners.contoso, str(old.lead_id))["touch_count"]["N"] == "2"
    dead = drain(deployment.outputs["IngestDeadLetterQueueUrl"])
    assert sorted(d["_attributes"]["leaddesk-message-id"] for d in dead) == ["mix-3", "mix-4", "mix-7"]
    assert all(d["_attributes"]["leaddesk-reason"] for d in dead)
    assert sorted(e["detail"]["event_id"] for e in drain(captured)) == ["mix-1", "mix-4"]


def test_a_message_moved_by_the_redrive_policy_reads_retries_exhausted(
    deployment: Deployment, partners: Partners
) -> None:
    """moto applies the ingest queue's RedrivePolicy (maxReceiveCount 5) like SQS does."""
    sqs = client("sqs", None)
    ingest_url = sqs.get_queue_url(QueueName=deployment.outputs["IngestQueueName"])["QueueUrl"]
    dlq_url = deployment.outputs["IngestDeadLetterQueueUrl"]
    sqs.send_message(QueueUrl=ingest_url, MessageBody=json.dumps(marketplace_lead("ex-1")))
    for _ in range(6):  # received and never deleted, as when every attempt failed
        sqs.receive_message(QueueUrl=ingest_url, VisibilityTimeout=0)
    queue = DeadLetterQueue(sqs, dlq_url)
    with queue.held() as letters:
        [letter] = letters
        assert letter.reason == RETRIES_EXHAUSTED and letter.field is None
        assert (letter.event_id, letter.partner_id, letter.detail_type) == (
            "ex-1",
            partners.contoso,
            "Marketplace Lead",
        )
        queue.redrive(letter, ingest_url)
    with queue.held() as left:
        assert left == []
    [message] = sqs.receive_message(QueueUrl=ingest_url, MessageAttributeNames=["All"])["Messages"]
    assert describe(message).event_id == "ex-1"  # the body is replayed unchanged
    assert message["MessageAttributes"]["leaddesk-redriven-from"]["StringValue"] == letter.message_id


# --- arbitrary bodies ------------------------------------------------------------------------------------
bodies = (
    st.text(max_size=60)
    | json_values.map(json.dumps)
    | st.builds(
        lambda detail_type, detail: json.dumps({"detail-type": detail_type, "detail": detail}),
        st.sampled_from(["Marketplace Lead", "Profile Inquiry", "Qualified Lead", "Other"]),
        json_values,
    )
    | st.builds(
        lambda detail, event_id: json.dumps(
            envelope("Marketplace Lead", {"partner_id": current_partner(), "event_id": event_id} | detail)
        ),
        st.dictionaries(
            st.sampled_from(["UserDetails", "LeadSource", "ActionCode", "userdetails"]), json_values
        ),
        st.sampled_from(["prop-1", "prop-2", "prop-3"]),
    )
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(bodies, min_size=1, max_size=10))
def test_any_bodies_through_the_handler_never_fail_the_batch(
    deployment: Deployment, batch: list[str]
) -> None:
    event = sqs_event(*batch)
    answer = invoke(event)
    assert answer == {"batchItemFailures": []}  # nothing here is transient: no retry loops


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(bodies, min_size=1, max_size=10))
def test_any_bodies_through_the_service_each_get_one_final_fate(
    deployment: Deployment, batch: list[str]
) -> None:
    results: list[RecordResult] = service(deployment, Clock(T0)).ingest(records(*batch))
    assert [r.message_id for r in results] == [f"m-{n}" for n in range(len(batch))]
    for result in results:
        assert result.fate is not RecordFate.RETRY, result
        assert (result.lead_id is not None) == (result.fate is not RecordFate.DEAD_LETTER)
        if result.fate is RecordFate.DEAD_LETTER:
            assert result.reason
