"""The lifecycle state machine, pure: people's actions and the timed rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from leaddesk.domain import lifecycle as lc
from leaddesk.domain import requests as rq
from leaddesk.domain import timed_rules as timed
from leaddesk.domain.lifecycle import Action, NotAllowed
from leaddesk.domain.models import Flame, Lead, LeadStatus, LeadType, Outcome
from tests.helpers.leads import ACCEPT_BODY, T0, make_lead

NOW = T0 + timedelta(hours=1)

BODIES: dict[Action, Any] = {
    Action.ACCEPT: rq.AcceptRequest.model_validate(ACCEPT_BODY),
    Action.DECLINE: rq.DeclineRequest(reason="not_a_customer"),
    Action.EDIT: rq.EditRequest(deal_name="Renamed"),
    Action.QUALIFY: rq.QualifyRequest(customer_responded=True),
    Action.EVALUATE: rq.EvaluateRequest(
        budget="can_buy", authority=True, need="must_have", timeline="this_year"
    ),
    Action.WON: rq.WonRequest(),
    Action.LOST: rq.LostRequest(reason="budget_not_adequate"),
    Action.CONVERT: rq.ConvertRequest(opportunity_id="opp-1"),
    Action.CLOSE_AS_ERROR: rq.CloseAsErrorRequest(reason="duplicate"),
}
EXTRA_BODIES: list[tuple[Action, Any]] = [
    (Action.QUALIFY, rq.QualifyRequest(customer_responded=False)),
    (Action.EVALUATE, rq.EvaluateRequest(budget="may_buy")),
]


def act(lead: Lead, action: Action, body: Any = None, now: datetime = NOW) -> Lead:
    return lc.PERSON_ACTIONS[action](lead, body if body is not None else BODIES[action], "user-1", now).lead


def test_accept_records_the_deal_clears_the_flame_and_history() -> None:
    lead = make_lead(contact_requested=True)
    accepted = act(lead, Action.ACCEPT)
    assert accepted.status is LeadStatus.ACCEPTED and accepted.flame is Flame.NONE
    assert accepted.deal_name == "Contoso CRM rollout" and accepted.estimated_value == Decimal(12000)
    assert accepted.currency == "EUR" and accepted.team[0].email == "bo@partner.example"
    assert accepted.version == lead.version + 1
    entry = accepted.history[-1]
    assert (entry.actor, entry.action, entry.from_status, entry.to_status) == (
        "user-1",
        "accept",
        LeadStatus.RECEIVED,
        LeadStatus.ACCEPTED,
    )
    assert {c.field for c in entry.changes} >= {"status", "deal_name", "estimated_value", "flame"}


def test_won_and_convert_name_the_missing_steps() -> None:
    accepted = act(make_lead(), Action.ACCEPT)
    for action in (Action.WON, Action.CONVERT):
        with pytest.raises(NotAllowed) as caught:
            act(accepted, action)
        assert caught.value.missing == ["qualify", "evaluate"]
    not_responded = act(accepted, Action.QUALIFY, rq.QualifyRequest(customer_responded=False))
    partly = act(not_responded, Action.EVALUATE, rq.EvaluateRequest(budget="can_buy"))
    with pytest.raises(NotAllowed) as caught:
        act(partly, Action.WON)
    assert caught.value.missing == ["customer_responded", "evaluate"]
    ready = act(
        act(partly, Action.QUALIFY),
        Action.EVALUATE,
        rq.EvaluateRequest(authority=True, need="no_need", timeline="unknown"),
    )
    assert ready.evaluation is not None and ready.evaluation.budget == "can_buy"  # kept from before
    converted = act(ready, Action.CONVERT)
    assert (converted.status, converted.outcome, converted.opportunity_id) == (
        LeadStatus.ARCHIVED,
        Outcome.CONVERTED,
        "opp-1",
    )
    assert act(ready, Action.WON).outcome is Outcome.WON


def test_lost_is_not_gated_and_decline_needs_a_received_lead() -> None:
    accepted = act(make_lead(), Action.ACCEPT)
    assert act(accepted, Action.LOST).outcome is Outcome.LOST
    with pytest.raises(NotAllowed, match="needs a received lead"):
        act(accepted, Action.DECLINE)
    declined = act(make_lead(), Action.DECLINE)
    assert declined.closure is not None and declined.closure.reason == "not_a_customer"


def test_close_as_error_from_received_or_accepted() -> None:
    assert act(make_lead(), Action.CLOSE_AS_ERROR).outcome is Outcome.ERROR
    closed = act(act(make_lead(), Action.ACCEPT), Action.CLOSE_AS_ERROR)
    assert closed.outcome is Outcome.ERROR and closed.closure and closed.closure.error_reason == "duplicate"


def test_informational_leads_cannot_be_worked() -> None:
    info = make_lead(status=LeadStatus.INFORMATIONAL, call_to_action="get_it_now")
    for action in Action:
        if action in lc.PERSON_ACTIONS:
            with pytest.raises(NotAllowed):
                act(info, action)


def test_edit_changes_only_what_is_sent_and_manages_the_team() -> None:
    accepted = act(make_lead(), Action.ACCEPT)
    edited = act(
        accepted,
        Action.EDIT,
        rq.EditRequest(
            estimated_value=Decimal(5),
            team_add=[{"name": "Cy", "email": "cy@partner.example"}],
            team_remove=["BO@partner.example"],
        ),
    )
    assert edited.deal_name == accepted.deal_name
    assert edited.estimated_value == Decimal(5)
    assert [m.email for m in edited.team] == ["cy@partner.example"]
    assert {c.field for c in edited.history[-1].changes} == {"estimated_value", "team"}


@pytest.mark.parametrize(
    ("model", "body", "field"),
    [
        (rq.DeclineRequest, {"reason": "other"}, "notes"),
        (rq.DeclineRequest, {"reason": "bored"}, "reason"),
        (rq.AcceptRequest, {**ACCEPT_BODY, "currency": "XYZ"}, "currency"),
        (rq.AcceptRequest, {**ACCEPT_BODY, "estimated_value": -1}, "estimated_value"),
        (rq.AcceptRequest, {k: v for k, v in ACCEPT_BODY.items() if k != "deal_name"}, "deal_name"),
        (rq.EvaluateRequest, {"budget": "lots"}, "budget"),
        (rq.EditRequest, {}, "nothing to change"),
        (rq.CloseAsErrorRequest, {"reason": "other"}, "notes"),
    ],
)
def test_payload_rules(model: Any, body: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(body)
    assert field in str(caught.value)


# --- property tests ---------------------------------------------------------------------------
actions = st.sampled_from([(a, b) for a, b in BODIES.items()] + EXTRA_BODIES)
lead_types = st.sampled_from(list(LeadType))


@settings(max_examples=200, deadline=None)
@given(steps=st.lists(actions, max_size=12), lead_type=lead_types, flame=st.booleans())
def test_any_sequence_keeps_the_rules(
    steps: list[tuple[Action, Any]], lead_type: LeadType, flame: bool
) -> None:
    lead = make_lead(lead_type=lead_type, contact_requested=flame)
    for index, (action, body) in enumerate(steps):
        now = NOW + timedelta(minutes=index)
        before = lead
        try:
            lead = lc.PERSON_ACTIONS[action](lead, body, "user-1", now).lead
        except NotAllowed as refused:
            # refusals explain themselves and never change anything
            assert refused.lead is before
            if before.status is LeadStatus.ARCHIVED:
                assert "terminal" in str(refused)
            elif action in (Action.WON, Action.CONVERT) and before.status is LeadStatus.ACCEPTED:
                assert refused.missing == lc.missing_steps(before) != []
            else:
                assert before.status not in lc.ALLOWED_FROM[action]
            continue
        # every change is recorded once: who, when, what, from → to
        assert before.status is not LeadStatus.ARCHIVED
        assert len(lead.history) == len(before.history) + 1
        entry = lead.history[-1]
        assert (entry.actor, entry.at, entry.action) == ("user-1", now, action.value)
        assert (entry.from_status, entry.to_status) == (before.status, lead.status)
        assert lead.version == before.version + 1
        if action in (Action.WON, Action.CONVERT):
            assert before.qualification and before.qualification.customer_responded
            assert before.evaluation and before.evaluation.complete
        if lead.status is not LeadStatus.RECEIVED:
            assert lead.flame is Flame.NONE
    if lead.status is LeadStatus.ARCHIVED:
        # archived is absorbing: no action and no timed rule changes it
        for action, body in BODIES.items():
            with pytest.raises(NotAllowed):
                lc.PERSON_ACTIONS[action](lead, body, "user-1", NOW)
        assert timed.run_timed_rules(lead, NOW + timedelta(days=400), 14) == []
        assert timed.next_due(lead, 14) is None


# --- timed rules -------------------------------------------------------------------------------
def sweep(lead: Lead, at: datetime, days: int = 14) -> tuple[Lead, list[str]]:
    transitions = timed.run_timed_rules(lead, at, days)
    return (transitions[-1].lead if transitions else lead), [t.event_type for t in transitions]


def test_expiry_at_exactly_the_period_and_contacts_stay_in_the_lead() -> None:
    lead = make_lead()
    assert sweep(lead, T0 + timedelta(days=14) - timedelta(seconds=1))[1] == ["lead.expiring_soon"]
    expired, events = sweep(lead, T0 + timedelta(days=14))
    assert events == ["lead.expired"]
    assert (expired.status, expired.outcome) == (LeadStatus.ARCHIVED, Outcome.EXPIRED)
    assert expired.history[-1].actor == "system"
    assert sweep(make_lead(), T0 + timedelta(days=6), days=7)[1] == ["lead.expiring_soon"]
    assert sweep(make_lead(), T0 + timedelta(days=7), days=7)[1] == ["lead.expired"]


def test_reminder_two_days_before_expiry_once() -> None:
    lead = make_lead()
    assert timed.next_due(lead, 14) == T0 + timedelta(days=12)
    assert sweep(lead, T0 + timedelta(days=12) - timedelta(seconds=1))[1] == []
    reminded, events = sweep(lead, T0 + timedelta(days=12))
    assert events == ["lead.expiring_soon"] and reminded.status is LeadStatus.RECEIVED
    assert sweep(reminded, T0 + timedelta(days=13))[1] == []
    assert timed.next_due(reminded, 14) == T0 + timedelta(days=14)


def test_flame_cools_at_72_hours_then_the_lead_stays_active() -> None:
    lead = make_lead(contact_requested=True)
    assert lead.flame is Flame.HOT
    assert timed.next_due(lead, 14) == T0 + timedelta(hours=72)
    assert sweep(lead, T0 + timedelta(hours=71, minutes=59))[1] == []
    cooled, events = sweep(lead, T0 + timedelta(hours=72, minutes=3))
    assert events == ["lead.flame_cooled"] and cooled.flame is Flame.COOLING
    assert cooled.status is LeadStatus.RECEIVED
    assert timed.next_due(cooled, 14) == T0 + timedelta(days=12)


def test_a_late_sweep_only_expires() -> None:
    expired, events = sweep(make_lead(contact_requested=True), T0 + timedelta(days=30))
    assert events == ["lead.expired"] and expired.flame is Flame.NONE


def test_informational_leads_age_out_after_six_months() -> None:
    info = make_lead(status=LeadStatus.INFORMATIONAL, call_to_action="get_it_now")
    assert timed.next_due(info, 14) == datetime(2027, 5, 1, 9, 0, tzinfo=UTC)
    assert sweep(info, datetime(2027, 4, 30, tzinfo=UTC))[1] == []
    aged, events = sweep(info, datetime(2027, 5, 1, 9, 0, tzinfo=UTC))
    assert events == ["lead.archived"] and aged.outcome is Outcome.AGED_OUT
    assert timed.add_months(datetime(2026, 8, 31, tzinfo=UTC), 6) == datetime(2027, 2, 28, tzinfo=UTC)


def test_accepted_leads_have_nothing_due() -> None:
    assert timed.next_due(act(make_lead(contact_requested=True), Action.ACCEPT), 14) is None


@settings(max_examples=100, deadline=None)
@given(
    hours=st.lists(st.integers(min_value=0, max_value=24 * 200), max_size=8),
    flame=st.booleans(),
    informational=st.booleans(),
    days=st.integers(min_value=1, max_value=30),
)
def test_sweeps_at_any_times_agree_with_next_due(
    hours: list[int], flame: bool, informational: bool, days: int
) -> None:
    """Sweeping at a time before `next_due` changes nothing; at or after it, something happens."""
    status = LeadStatus.INFORMATIONAL if informational else LeadStatus.RECEIVED
    lead = make_lead(contact_requested=flame, status=status)
    for h in sorted(hours):
        at = T0 + timedelta(hours=h)
        due = timed.next_due(lead, days)
        after, events = sweep(lead, at, days)
        if due is None or at < due:
            assert events == [] and after is lead
        else:
            assert events and after.version == lead.version + len(events)
            assert timed.next_due(after, days) is None or timed.next_due(after, days) > at  # type: ignore[operator]
        lead = after


def test_a_signed_transition_names_who_made_the_change_on_its_history_entry_only() -> None:
    lead = make_lead()
    accepted = lc.signed(lc.accept(lead, BODIES[Action.ACCEPT], "9f1c-uuid", NOW), "ana@contoso.com")
    entry = accepted.lead.history[-1]
    assert (entry.actor, entry.actor_name) == ("9f1c-uuid", "ana@contoso.com")
    edited = lc.edit(accepted.lead, rq.EditRequest(crm_id="CRM-1"), "bo-uuid", NOW)
    assert lc.signed(edited, None) is edited  # no name in the token: the entry keeps the subject only
    assert [e.actor_name for e in edited.lead.history] == ["ana@contoso.com", None]
    assert [(c.field, c.old, c.new) for c in edited.lead.history[-1].changes] == [("crm_id", None, "CRM-1")]
