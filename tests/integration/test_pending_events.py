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

    flaky_put_events.clear()  # the bus recovers
    assert handler({"Records": [record]}, context) == {"batchItemFailures": []}
    [event] = drain(captured)
    assert event["detail-type"] == "lead.accepted"
    assert event["detail"]["lead_id"] == lead.lead_id and event["detail"]["status"] == "accepted"
