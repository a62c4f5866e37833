"""An event that can never succeed is dead-lettered once, with its reason and field, never retried
as if transient; and an event no rule knows is dead-lettered, never silently dropped by the bus."""

from __future__ import annotations

import json
from typing import Any

from leaddesk.adapters import aws
from leaddesk.domain.inbound import INBOUND_DETAIL_TYPES, UNKNOWN_DETAIL_TYPE
from leaddesk_local.provision import Deployment, client
from leaddesk_local.template import Template
from tests.helpers.bus import drain
from tests.helpers.ingest import invoke, leads_of, marketplace_lead, sqs_event
from tests.helpers.tenants import Partners


def test_a_lone_surrogate_in_a_name_is_normalised_away_and_the_lead_stored(
    deployment: Deployment, partners: Partners
) -> None:
    event = marketplace_lead("e-surrogate")
    event["detail"]["UserDetails"]["FirstName"] = "Ada\ud800"
    body = json.dumps(event)  # the escape `\ud800`, as a producer's JSON carries it
    assert invoke(sqs_event(body)) == {"batchItemFailures": []}
    assert [lead["customer"]["first_name"] for lead in leads_of(partners.contoso)] == ["Ada"]


def test_a_write_dynamodb_refuses_for_good_is_dead_lettered_once_with_its_reason(
    deployment: Deployment,
) -> None:
    from botocore.exceptions import ClientError

    def refuse(**_: Any) -> None:
        raise ClientError(
            {"Error": {"Code": "ValidationException", "Message": "Item size has exceeded the maximum"}},
            "TransactWriteItems",
        )

    dynamodb = aws.dynamodb()
    dynamodb.meta.events.register_first("before-call.dynamodb.TransactWriteItems", refuse)
    try:
        answer = invoke(sqs_event(marketplace_lead("e-too-big")))
    finally:
        dynamodb.meta.events.unregister("before-call.dynamodb.TransactWriteItems", refuse)
    assert answer == {"batchItemFailures": []}  # not retried: it would fail the same way five times
    [dead] = drain(deployment.outputs["IngestDeadLetterQueueUrl"])
    assert dead["detail"]["event_id"] == "e-too-big"
    assert dead["_attributes"]["leaddesk-field"] == "body"
    assert "ValidationException" in dead["_attributes"]["leaddesk-reason"]


def test_a_throttled_write_is_still_retried(deployment: Deployment) -> None:
    from botocore.exceptions import ClientError

    def throttle(**_: Any) -> None:
        raise ClientError(
            {"Error": {"Code": "ThrottlingException", "Message": "slow down"}}, "TransactWriteItems"
        )

    dynamodb = aws.dynamodb()
    dynamodb.meta.events.register_first("before-call.dynamodb.TransactWriteItems", throttle)
    try:
        event = sqs_event(marketplace_lead("e-throttled"), message_ids=["m-1"])
        assert invoke(event) == {"batchItemFailures": [{"itemIdentifier": "m-1"}]}
    finally:
        dynamodb.meta.events.unregister("before-call.dynamodb.TransactWriteItems", throttle)
    assert drain(deployment.outputs["IngestDeadLetterQueueUrl"]) == []


def test_an_event_of_no_known_detail_type_reaches_ingest_and_is_dead_lettered(deployment: Deployment) -> None:
    """A typo in the detail-type used to match no rule: accepted by the bus, then nowhere."""
    events, sqs = client("events", None), client("sqs", None)
    bus = deployment.outputs["EventBusName"]
    detail = marketplace_lead("e-typo")["detail"]
    sent = [
        {
            "EventBusName": bus,
            "Source": "marketplace",
            "DetailType": "Marketplace lead",
            "Detail": json.dumps(detail),
        },
        {"EventBusName": bus, "Source": "leaddesk", "DetailType": "lead.accepted", "Detail": "{}"},  # ours
    ]
    assert events.put_events(Entries=sent)["FailedEntryCount"] == 0
    ingest_url = sqs.get_queue_url(QueueName=deployment.outputs["IngestQueueName"])["QueueUrl"]
    bodies = [message["Body"] for message in _receive_all(sqs, ingest_url)]
    assert [json.loads(body)["detail-type"] for body in bodies] == ["Marketplace lead"]

    assert invoke(sqs_event(*bodies)) == {"batchItemFailures": []}
    [dead] = drain(deployment.outputs["IngestDeadLetterQueueUrl"])
    assert dead["_attributes"]["leaddesk-field"] == "detail-type"
    assert dead["_attributes"]["leaddesk-reason"].startswith(UNKNOWN_DETAIL_TYPE)
    assert dead["detail"]["event_id"] == "e-typo"


def test_the_two_inbound_rules_cover_every_producer_detail_type_exactly_once(template: Template) -> None:
    patterns = {
        name: resource["Properties"]["EventPattern"]
        for name, resource in template.of_type("AWS::Events::Rule").items()
    }
    assert patterns["InboundLeadsRule"]["detail-type"] == list(INBOUND_DETAIL_TYPES)
    unroutable = patterns["UnroutableInboundEventsRule"]
    assert unroutable["detail-type"] == [{"anything-but": list(INBOUND_DETAIL_TYPES)}]
    assert unroutable["source"] == [{"anything-but": ["leaddesk"]}]


def _receive_all(sqs: Any, url: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        found.extend(messages)
        for message in messages:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return found
