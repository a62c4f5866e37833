"""The event contract: every event LeadDesk publishes, built by its producer, read back by its model."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from leaddesk.adapters.pending_events import body_to_event, event_to_body
from leaddesk.domain import lifecycle as lc
from leaddesk.domain import timed_rules as timed
from leaddesk.domain.contract import (
    EVENT_MODELS,
    Envelope,
    EventDetail,
    LeadChanged,
    LeadDetail,
    UnknownEvent,
    json_schemas,
    parse_detail,
)
from leaddesk.domain.events import (
    OutboundEvent,
    export_completed,
    export_failed,
    lead_received,
    reminders_due,
    transition_event,
)
from leaddesk.domain.exports import ExportJob, ExportRequest, ExportStatus
from leaddesk.domain.lifecycle import EVENT_TYPES, Action
from leaddesk.domain.models import Flame, Lead, LeadStatus, LeadType, Person, Referrer
from tests.helpers.leads import T0, make_lead
from tests.unit.test_lifecycle import BODIES, NOW, act

# What identifies a customer; none of it may travel on the bus.
CONTACT_FIELDS = {"email", "phone", "first_name", "last_name", "name", "customer", "description", "notes"}
CUSTOMER_VALUES = ("ada@contoso.com", "Ada", "Lovelace")


def _accepted_ready_to_close(lead: Lead) -> Lead:
    return act(act(act(lead, Action.ACCEPT), Action.QUALIFY), Action.EVALUATE)


def every_published_event() -> list[OutboundEvent]:
    """One event of each type, built by the code that publishes it."""
    referred = make_lead(
        contact_requested=True,
        lead_type=LeadType.SALES_QUALIFIED,
        assigned_contact=Person(name="Emma", email="emma@operator.com"),
        referrer=Referrer(kind="operator", name="Rui", email="rui@operator.com"),
    )
    events = [lead_received(referred, "m-1")]
    for action in lc.PERSON_ACTIONS:
        before = (
            _accepted_ready_to_close(referred) if action not in (Action.ACCEPT, Action.DECLINE) else referred
        )
        if action is Action.CLOSE_AS_ERROR:
            before = referred
        change = lc.PERSON_ACTIONS[action](before, BODIES[action], "user-1", NOW)
        events.append(transition_event(change, before, "user-1"))
    expiry_days = timed.DEFAULT_EXPIRY_DAYS
    for now in (T0 + timedelta(hours=73), timed.reminder_at(referred, expiry_days), T0 + timedelta(days=15)):
        before = referred
        for change in timed.run_timed_rules(referred, now, expiry_days):
            events.append(transition_event(change, before, lc.SYSTEM_ACTOR))
            before = change.lead
    informational = make_lead(status=LeadStatus.INFORMATIONAL)
    [aged] = timed.run_timed_rules(informational, T0 + timedelta(days=200), expiry_days)
    events.append(transition_event(aged, informational, lc.SYSTEM_ACTOR))
    events.append(reminders_due("p-contoso", timed.reminder_at(referred, expiry_days), [referred.lead_id]))
    job = ExportJob(
        partner_id="p-contoso",
        export_id="exp-1",
        request=ExportRequest(),
        status=ExportStatus.SUCCEEDED,
        requested_by="user-1",
        requester_email="ana@partner.com",
        created_at=T0,
        updated_at=T0,
        finished_at=T0,
    )
    events += [export_completed(job, 42), export_failed(job, "S3 refused the upload")]
    from leaddesk.domain.webhooks import Endpoint, disabled_event

    endpoint = Endpoint(
        id="ep_1",
        partner_id="p-contoso",
        url="https://crm.example.com/hooks",
        events=["lead.received"],
        created_at=T0,
        updated_at=T0,
        failing_since=T0,
    )
    events.append(disabled_event(endpoint, T0 + timedelta(days=5)))
    return events


EVENTS = every_published_event()


def test_every_event_type_is_published_by_some_producer_and_known_to_the_contract() -> None:
    assert {event.detail_type for event in EVENTS} == set(EVENT_MODELS)
    assert set(EVENT_TYPES.values()) <= set(EVENT_MODELS)  # every lifecycle action's event


@pytest.mark.parametrize("event", EVENTS, ids=lambda e: f"{e.detail_type}-{getattr(e.detail, 'action', '')}")
def test_each_event_round_trips_through_the_bus_as_its_own_model(event: OutboundEvent) -> None:
    wire = event.detail.model_dump_json()  # what PutEvents carries as Detail
    envelope = Envelope.model_validate(
        {"detail-type": event.detail_type, "source": "leaddesk", "detail": json.loads(wire)}
    )
    read = parse_detail(envelope.detail_type, envelope.detail)
    assert type(read) is type(event.detail) and read == event.detail
    assert json.loads(wire)["schema_version"] == 1
    # Parked and republished, the event is the same event.
    assert body_to_event(event_to_body(event), "m-9").detail == event.detail


@pytest.mark.parametrize("event", EVENTS, ids=lambda e: e.detail_type)
def test_no_event_carries_the_customers_contact_details(event: OutboundEvent) -> None:
    document = event.detail.model_dump(mode="json")
    assert not CONTACT_FIELDS & set(document)
    text = json.dumps(document)
    assert not any(value in text for value in CUSTOMER_VALUES), text


def test_lifecycle_events_carry_action_actor_the_state_before_and_the_transitions_extras() -> None:
    changes = [event.detail for event in EVENTS if isinstance(event.detail, LeadChanged)]
    assert all(change.actor in ("user-1", lc.SYSTEM_ACTOR) for change in changes)
    by_type = {change.detail_type: change.model_dump(mode="json") for change in changes}
    assert by_type["lead.accepted"]["from_status"] == "received"
    assert by_type["lead.won"]["from_status"] == "accepted" and by_type["lead.won"]["outcome"] == "won"
    assert by_type["lead.evaluated"]["complete"] is True
    assert by_type["lead.converted"]["opportunity_id"] == "opp-1"
    assert by_type["lead.expired"]["notify"] == "referrer"
    assert by_type["lead.expiring_soon"]["expires_at"] == (T0 + timedelta(days=14)).isoformat()
    assert by_type["lead.flame_cooled"]["flame"] == Flame.COOLING.value
    archived = {e.detail.action for e in EVENTS if e.detail_type == "lead.archived"}  # type: ignore[attr-defined]
    assert archived == {Action.CLOSE_AS_ERROR, Action.AGE_OUT}


def test_lead_events_carry_the_leads_state_as_they_always_have() -> None:
    [received] = [e.detail for e in EVENTS if e.detail_type == "lead.received"]
    assert isinstance(received, LeadDetail)
    document = received.model_dump(mode="json")
    assert document["created_at"] == T0.isoformat()  # isoformat, as before the contract
    assert document["assigned_contact"] == {"name": "Emma", "email": "emma@operator.com"}
    assert document["referrer"]["kind"] == "operator"
    assert (document["country"], document["company"], document["version"]) == ("US", "Contoso", 1)


def test_consumers_refuse_what_the_contract_does_not_define() -> None:
    with pytest.raises(UnknownEvent):
        parse_detail("lead.teleported", {})
    base = EVENTS[0].detail.model_dump(mode="json")
    with pytest.raises(ValidationError):  # a breaking change bumps the version: not this model's
        parse_detail("lead.received", base | {"schema_version": 2})
    with pytest.raises(ValidationError):
        parse_detail("lead.accepted", base | {"action": "decline", "actor": "u", "from_status": "received"})
    # An additive change keeps the version: a field the consumer does not know is ignored.
    assert parse_detail("lead.received", base | {"new_field": 1}) == EVENTS[0].detail
    # Events parked before the contract had no schema_version: they read as version 1.
    assert (
        parse_detail("lead.received", {k: v for k, v in base.items() if k != "schema_version"})
        == EVENTS[0].detail
    )


def test_each_schema_lists_schema_version_and_every_field_it_sends() -> None:
    schemas = json_schemas()
    assert set(schemas) == {"envelope.json", *(f"{name}.json" for name in EVENT_MODELS)}
    for name, model in EVENT_MODELS.items():
        schema: dict[str, Any] = schemas[f"{name}.json"]
        assert schema["properties"]["schema_version"]["const"] == 1, name
        assert set(schema["required"]) == set(model.model_fields), name
        assert issubclass(model, EventDetail)
    assert "detail-type" in schemas["envelope.json"]["properties"]
