"""A lifecycle change whose event the bus refuses is parked, then republished — never dropped."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse

from leaddesk.adapters import aws
from leaddesk_local.provision import Deployment, client
from leaddesk_local.stack import LambdaContext
from tests.conftest import call_api, capture_bus_events, drain
from tests.leads import ACCEPT_BODY, make_lead, put_leads


@pytest.fixture
def bus_down(deployment: Deployment) -> Iterator[set[str]]:
    """While the set holds "down", every PutEvents entry answers InternalFailure (an incident)."""
    state = {"down"}

    def refuse(params: dict[str, Any], **_: Any) -> tuple[AWSResponse, dict[str, Any]] | None:
        if not state:
            return None
        entries = json.loads(params["body"])["Entries"]
        failure = {"ErrorCode": "InternalFailure", "ErrorMessage": "injected"}
        return AWSResponse("https://events.us-east-1.amazonaws.com/", 200, {}, None), {
            "FailedEntryCount": len(entries),
            "Entries": [failure for _ in entries],
        }

    events = aws.events()
    events.meta.events.register_first("before-call.events.PutEvents", refuse)
    yield state
    events.meta.events.unregister("before-call.events.PutEvents", refuse)


def test_a_refused_event_is_parked_and_republished(deployment: Deployment, bus_down: set[str]) -> None:
    lead = make_lead()
    put_leads([lead], deployment.refs["LeadsTable"])
    captured = capture_bus_events(deployment)
    status, body, _ = call_api(
        "POST",
        f"/leads/{lead.lead_id}/accept",
        "/leads/{lead_id}/accept",
        path_parameters={"lead_id": lead.lead_id},
        body=ACCEPT_BODY,
    )
    assert status == 200 and body["status"] == "accepted"  # the change itself is stored
    assert drain(captured) == []

    sqs = client("sqs", None)
    pending_url = deployment.refs["PendingEventsQueue"]
    messages = sqs.receive_message(QueueUrl=pending_url, MaxNumberOfMessages=10)["Messages"]
    [parked] = messages
    assert json.loads(parked["Body"])["detail_type"] == "lead.accepted"

    from lifecycle.republish import handler

    record = {
        "messageId": parked["MessageId"],
        "receiptHandle": parked["ReceiptHandle"],
        "body": parked["Body"],
    }
    context: Any = LambdaContext(function_name="EventRepublishFunction")
    # Still down: the record is reported failed, so SQS keeps it (and dead-letters it in the end).
    assert handler({"Records": [record]}, context) == {
        "batchItemFailures": [{"itemIdentifier": parked["MessageId"]}]
    }

    bus_down.clear()  # the bus recovers
    assert handler({"Records": [record]}, context) == {"batchItemFailures": []}
    [event] = drain(captured)
    assert event["detail-type"] == "lead.accepted"
    assert event["detail"]["lead_id"] == lead.lead_id and event["detail"]["status"] == "accepted"
