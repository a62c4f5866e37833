"""The ingest function on moto: SQS batches in, leads and lead.received out, bad events dead-lettered."""

from __future__ import annotations

import json

import pytest

from leaddesk_local.lambda_events import LambdaContext
from leaddesk_local.provision import Deployment, client
from tests.helpers.bus import capture_bus_events, drain, envelope
from tests.helpers.ingest import invoke, leads_of, marketplace_lead, sqs_event
from tests.helpers.tenants import Partners


def test_a_lead_is_stored_and_announced(deployment: Deployment, partners: Partners) -> None:
    captured = capture_bus_events(deployment)
    answer = invoke(sqs_event(marketplace_lead("e-1")))
    assert answer == {"batchItemFailures": []}
    [lead] = leads_of(partners.contoso)
    assert lead["event_id"] == "e-1" and lead["call_to_action"] == "contact_me"
    [event] = drain(captured)
    assert event["detail-type"] == "lead.received" and event["source"] == "leaddesk"
    assert event["detail"]["lead_id"] == lead["lead_id"]
    assert event["detail"]["partner_id"] == partners.contoso


def test_same_event_id_twice_makes_one_lead_and_one_event(deployment: Deployment, partners: Partners) -> None:
    captured = capture_bus_events(deployment)
    invoke(sqs_event(marketplace_lead("e-dup")))
    invoke(sqs_event(marketplace_lead("e-dup"), marketplace_lead("e-dup")))
    assert len(leads_of(partners.contoso)) == 1
    assert len(drain(captured)) == 1


def test_redelivery_of_the_same_message_publishes_again(deployment: Deployment, partners: Partners) -> None:
    """The first attempt stored the lead but died before publishing: never a silent lead."""
    captured = capture_bus_events(deployment)
    invoke(sqs_event(marketplace_lead("e-redeliver"), message_ids=["m-1"]))
    invoke(sqs_event(marketplace_lead("e-redeliver"), message_ids=["m-1"]))
    assert len(leads_of(partners.contoso)) == 1
    assert len(drain(captured)) == 2  # at least once; consumers dedupe by lead id


def test_bad_event_fails_alone_and_lands_in_the_dead_letter_queue(
    deployment: Deployment, partners: Partners
) -> None:
    dlq = deployment.outputs["IngestDeadLetterQueueUrl"]
    answer = invoke(
        sqs_event(
            marketplace_lead("e-good"),
            envelope("Marketplace Lead", {"event_id": "no-partner"}),
            "{not json",
        )
    )
    assert answer == {"batchItemFailures": []}  # bad events are not retried in a loop
    assert [lead["event_id"] for lead in leads_of(partners.contoso)] == ["e-good"]
    dead = {d["_attributes"]["leaddesk-field"]: d for d in drain(dlq)}
    assert set(dead) == {"partner_id", "body"}
    assert dead["partner_id"]["_attributes"]["leaddesk-reason"] == "missing"
    assert dead["partner_id"]["detail"]["event_id"] == "no-partner"  # the original event, intact
    assert dead["body"]["_raw"] == "{not json"
    assert "not a JSON event" in dead["body"]["_attributes"]["leaddesk-reason"]


def test_leads_of_one_partner_are_not_visible_under_another(
    deployment: Deployment, partners: Partners
) -> None:
    a, b = partners("a"), partners("b")
    invoke(sqs_event(marketplace_lead("e-a", partner=a), marketplace_lead("e-b", partner=b)))
    assert [lead["event_id"] for lead in leads_of(a)] == ["e-a"]
    assert [lead["event_id"] for lead in leads_of(b)] == ["e-b"]


def test_repeat_within_24h_is_a_touchpoint(deployment: Deployment, partners: Partners) -> None:
    captured = capture_bus_events(deployment)
    invoke(sqs_event(marketplace_lead("e-first", email="Repeat@Contoso.com")))
    invoke(sqs_event(marketplace_lead("e-second", email="repeat@contoso.com")))
    [lead] = leads_of(partners.contoso)
    item = client("dynamodb", None).get_item(
        TableName=deployment.refs["LeadsTable"],
        Key={"PK": {"S": f"P#{partners.contoso}"}, "SK": {"S": f"L#{lead['lead_id']}"}},
    )["Item"]
    assert item["touch_count"]["N"] == "2"
    assert len(drain(captured)) == 1


@pytest.mark.fresh_deployment  # the samples name a fixed partner, p-contoso: alone in its table
def test_the_lambda_samples_run_through_their_handlers(deployment: Deployment) -> None:
    """events/lambda/*.json (for `sam local invoke -e`) are real events for the real handlers."""
    from leaddesk_local.template import PROJECT_ROOT

    samples = PROJECT_ROOT / "events" / "lambda"
    assert invoke(json.loads((samples / "IngestFunction.sqs_batch.json").read_text())) == {
        "batchItemFailures": []
    }
    from leads_api.app import handler as api

    answer = api(
        json.loads((samples / "LifecycleApiFunction.list_leads.json").read_text()),
        LambdaContext(function_name="LifecycleApiFunction"),
    )
    assert answer["statusCode"] == 200
    [listed] = json.loads(answer["body"])["items"]
    assert [lead["lead_id"] for lead in leads_of("p-contoso") if lead["event_id"] == "mkt-0001"] == [
        listed["lead_id"]
    ]
