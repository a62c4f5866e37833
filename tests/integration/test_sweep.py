"""The timed-rules sweep on moto: leads stored by ingest carry Due keys; the schedule's time is "now".

A sweep applies the due rules of every partner in the table and its report counts them all, so
each test here has a table of its own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from leaddesk.adapters.dynamo.items import ItemPolicy
from leaddesk.adapters.dynamo.keys import DUE, due_partition
from leaddesk_local.lambda_events import LambdaContext, scheduled_event
from leaddesk_local.provision import Deployment, client
from tests.helpers.api import call_api
from tests.helpers.bus import capture_bus_events, drain, envelope
from tests.helpers.ingest import invoke, sqs_event
from tests.helpers.leads import T0, make_lead, put_leads
from tests.helpers.tenants import Partners, current_partner

pytestmark = pytest.mark.fresh_deployment


def sweep_at(moment: datetime) -> dict[str, Any]:
    from sweep.app import handler

    event = scheduled_event(moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
    answer: dict[str, Any] = handler(event, LambdaContext(function_name="LifecycleSweepFunction"))
    return answer


def due_entries(deployment: Deployment) -> list[str]:
    """The lead ids in the Due index, over every shard."""
    found = []
    for shard in range(ItemPolicy().due_shards):
        answer = client("dynamodb", None).query(
            TableName=deployment.refs["LeadsTable"],
            IndexName=DUE,
            KeyConditionExpression="DUEPK = :due",
            ExpressionAttributeValues={":due": {"S": due_partition(shard)}},
        )
        found += [item["SK"]["S"].removeprefix("L#") for item in answer["Items"]]
    return found


def lead(lead_id: str) -> dict[str, Any]:
    status, body, _ = call_api(
        "GET", f"/leads/{lead_id}", "/leads/{lead_id}", path_parameters={"lead_id": lead_id}
    )
    assert status == 200
    result: dict[str, Any] = body
    return result


def flame_lead(event_id: str) -> dict[str, Any]:
    return envelope(
        "Profile Inquiry",
        {
            "partner_id": current_partner(),
            "event_id": event_id,
            "customer": {
                "first_name": "Eve",
                "email": f"{event_id}@fabrikam.com",
                "company": "Fabrikam",
                "country": "DE",
            },
            "need": "call me",
            "contact_requested": True,
        },
    )


def test_ingested_leads_are_scheduled_and_swept(deployment: Deployment) -> None:
    invoke(sqs_event(flame_lead("flame-1")))
    _, page, _ = call_api("GET", "/leads", "/leads")
    created = page["items"][0]
    lead_id = created["lead_id"]
    assert created["flame"] == "hot"
    assert due_entries(deployment) == [lead_id]  # ingest's write already carries the Due keys
    received_at = datetime.fromisoformat(created["created_at"])
    queue = capture_bus_events(deployment)

    assert sweep_at(received_at + timedelta(hours=71))["changed"] == 0
    report = sweep_at(received_at + timedelta(hours=72, minutes=2))
    assert report["events"] == {"lead.flame_cooled": 1}
    assert lead(lead_id)["flame"] == "cooling" and lead(lead_id)["status"] == "received"
    assert sweep_at(received_at + timedelta(hours=73))["examined"] == 0  # nothing due: not even read

    assert sweep_at(received_at + timedelta(days=12, minutes=1))["events"] == {"lead.expiring_soon": 1}
    expired_report = sweep_at(received_at + timedelta(days=14, minutes=1))
    assert expired_report["events"] == {"lead.expired": 1}
    swept = lead(lead_id)
    assert (swept["status"], swept["outcome"], swept["flame"]) == ("archived", "expired", "none")
    assert swept["customer"]["email"] is None and swept["customer"]["first_name"] is None
    assert [h["action"] for h in swept["history"]] == ["cool_flame", "remind_expiry", "expire"]
    assert {h["actor"] for h in swept["history"]} == {"system"}
    assert due_entries(deployment) == []
    assert sweep_at(received_at + timedelta(days=30))["examined"] == 0

    published = [e for e in drain(queue) if e.get("source") == "leaddesk"]
    assert [e["detail-type"] for e in published] == [
        "lead.flame_cooled",
        "lead.expiring_soon",
        "leads.expiring_soon",  # the run's reminders of the partner, for one email per recipient
        "lead.expired",
    ]
    assert published[-1]["detail"]["notify"] == "referrer"


def test_a_lead_worked_in_time_never_expires(deployment: Deployment) -> None:
    invoke(sqs_event(flame_lead("worked-1")))
    lead_id = due_entries(deployment)[0]
    status, _, _ = call_api(
        "POST",
        f"/leads/{lead_id}/decline",
        "/leads/{lead_id}/decline",
        body={"reason": "timeline_too_short"},
        path_parameters={"lead_id": lead_id},
    )
    assert status == 200
    assert due_entries(deployment) == []
    assert sweep_at(datetime.now(UTC) + timedelta(days=20))["changed"] == 0
    assert lead(lead_id)["outcome"] == "declined"


def test_informational_leads_age_out_and_expiry_period_is_configuration(
    deployment: Deployment, monkeypatch: Any
) -> None:
    from leaddesk import composition

    monkeypatch.setenv("LEAD_EXPIRY_DAYS", "3")
    composition.reset()
    info = make_lead(status="informational", call_to_action="get_it_now")
    short = make_lead(created_at=T0 + timedelta(seconds=1))
    put_leads([info, short], deployment.refs["LeadsTable"], policy=ItemPolicy(expiry_days=3))
    assert sweep_at(T0 + timedelta(days=3))["events"] == {"lead.expiring_soon": 1}  # 1 s early
    report = sweep_at(T0 + timedelta(days=3, seconds=1))
    assert report["events"] == {"lead.expired": 1}
    assert lead(short.lead_id)["outcome"] == "expired"
    assert sweep_at(T0 + timedelta(days=180))["changed"] == 0
    assert sweep_at(datetime(2027, 5, 1, 9, 0, tzinfo=UTC))["events"] == {"lead.archived": 1}
    assert lead(info.lead_id)["outcome"] == "aged_out"


def test_a_backlog_is_worked_off_in_bounded_runs(deployment: Deployment, partners: Partners) -> None:
    from leaddesk.composition import sweep_service as service

    overdue = [
        make_lead(partner=partners(f"backlog-{i}"), created_at=T0 + timedelta(seconds=i)) for i in range(5)
    ]
    put_leads(overdue, deployment.refs["LeadsTable"])
    at = T0 + timedelta(days=20)
    first = service().sweep(at, max_leads=3)
    assert (first.changed, first.more) == (3, True)
    second = service().sweep(at, max_leads=3)
    assert (second.changed, second.more) == (2, False)
    assert due_entries(deployment) == []


def test_what_aws_keeps_refusing_waits_for_the_next_run_and_the_rest_goes_on(deployment: Deployment) -> None:
    """A throttled shard query or lead write (past the SDK's retries) fails that part of the run
    only: the report says so (`failed`, `more`), the other leads' rules apply now, and the next
    run applies the rest."""
    from botocore.exceptions import ClientError

    from leaddesk.adapters import aws

    overdue = [make_lead(created_at=T0 + timedelta(minutes=m)) for m in range(4)]
    put_leads(overdue, deployment.refs["LeadsTable"])
    refusals = {"Query": 1, "TransactWriteItems": 1, "UpdateItem": 1}

    def throttled(model: Any, **_: Any) -> None:
        if refusals.get(model.name, 0) > 0:
            refusals[model.name] -= 1
            raise ClientError({"Error": {"Code": "ThrottlingException", "Message": "busy"}}, model.name)

    dynamodb = aws.dynamodb()
    dynamodb.meta.events.register_first("before-call.dynamodb", throttled)
    try:
        first = sweep_at(T0 + timedelta(days=15))
    finally:
        dynamodb.meta.events.unregister("before-call.dynamodb", throttled)
    assert first["failed"] >= 1 and first["more"] is True
    assert first["changed"] < len(overdue)
    second = sweep_at(T0 + timedelta(days=15))
    assert first["changed"] + second["changed"] == len(overdue) and second["failed"] == 0
    assert {lead(item.lead_id)["outcome"] for item in overdue} == {"expired"}


def test_a_change_the_bus_refuses_is_parked_for_the_republisher(deployment: Deployment) -> None:
    """The sweep's events go the way of every lifecycle change: past the SDK's retries the event
    waits on the pending-events queue (the sweep's role may send there), never dropped."""
    from botocore.exceptions import ClientError

    from leaddesk.adapters import aws

    def unreachable(**_: Any) -> None:
        raise ClientError({"Error": {"Code": "ThrottlingException", "Message": "slow down"}}, "PutEvents")

    overdue = make_lead()
    put_leads([overdue], deployment.refs["LeadsTable"])
    events = aws.events()
    events.meta.events.register_first("before-call.events.PutEvents", unreachable)
    try:
        report = sweep_at(T0 + timedelta(days=15))
    finally:
        events.meta.events.unregister("before-call.events.PutEvents", unreachable)
    assert report["events"] == {"lead.expired": 1}
    parked = drain(deployment.refs["PendingEventsQueue"])
    assert [message["detail_type"] for message in parked] == ["lead.expired"]


def test_a_lead_changed_since_the_index_copy_is_read_again_before_its_rules_apply(
    deployment: Deployment,
) -> None:
    """The Due index's copy lags the table: its conditional write fails, the sweep reads the lead
    itself (GetItem, which its role allows) and applies the rules to what is stored."""
    overdue = make_lead()
    put_leads([overdue], deployment.refs["LeadsTable"])
    from tests.helpers.services import lead_store

    edited = overdue.model_copy(update={"deal_name": "Renewal", "version": overdue.version + 1})
    lead_store(deployment).update_lead(overdue, edited)
    stale_copy = overdue  # what the index answered before the edit
    from leaddesk.composition import sweep_service

    service = sweep_service()
    original_due = service._store.due

    def lagging_index(*args: Any, **kwargs: Any) -> Any:
        return [stale_copy]

    service._store.due = lagging_index  # type: ignore[method-assign]
    try:
        report = sweep_at(T0 + timedelta(days=15))
    finally:
        service._store.due = original_due  # type: ignore[method-assign]
    assert report["events"] == {"lead.expired": 1} and report["conflicts"] == 1
    swept = lead(overdue.lead_id)
    assert swept["outcome"] == "expired" and [h["action"] for h in swept["history"]] == ["expire"]
