"""A lifecycle change whose event the bus refuses is parked, then republished — never dropped."""

from __future__ import annotations

import json
from typing import Any

from leaddesk_local.lambda_events import LambdaContext
from leaddesk_local.provision import Deployment, client
from tests.helpers.api import call_api
from tests.helpers.bus import capture_bus_events, drain
from tests.helpers.leads import ACCEPT_BODY, make_lead, put_leads


def test_a_refused_event_is_parked_and_republished(
    deployment: Deployment, flaky_put_events: set[str]
) -> None:
    lead = make_lead()
    flaky_put_events.add(lead.event_id)  # the bus refuses this lead's events (an incident)
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

    from republish.app import handler

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

    flaky_put_events.clear()  # the bus recovers
    assert handler({"Records": [record]}, context) == {"batchItemFailures": []}
    [event] = drain(captured)
    assert event["detail-type"] == "lead.accepted"
    assert event["detail"]["lead_id"] == lead.lead_id and event["detail"]["status"] == "accepted"


def test_a_bus_that_keeps_throwing_still_parks_the_event_and_the_api_answers_200(
    deployment: Deployment,
) -> None:
    """Past the SDK's retries PutEvents raises (throttled, unreachable): the change is stored, so
    its event is parked like a refused entry, and the person's action is not answered 5xx."""
    from botocore.exceptions import ClientError

    from leaddesk.adapters import aws

    def throttled(**_: Any) -> None:
        raise ClientError({"Error": {"Code": "ThrottlingException", "Message": "slow down"}}, "PutEvents")

    lead = make_lead()
    put_leads([lead], deployment.refs["LeadsTable"])
    events = aws.events()
    events.meta.events.register_first("before-call.events.PutEvents", throttled)
    try:
        status, body, _ = call_api(
            "POST",
            f"/leads/{lead.lead_id}/accept",
            "/leads/{lead_id}/accept",
            path_parameters={"lead_id": lead.lead_id},
            body=ACCEPT_BODY,
        )
    finally:
        events.meta.events.unregister("before-call.events.PutEvents", throttled)
    assert status == 200 and body["status"] == "accepted"
    parked = drain(deployment.refs["PendingEventsQueue"])
    assert [message["detail_type"] for message in parked] == ["lead.accepted"]
