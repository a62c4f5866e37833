"""Notifications that reach someone and stay true, on moto: the identity provider's referral
admins, the no_recipient item, one reminder per recipient per sweep run, items resolved."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from leaddesk import composition
from leaddesk_local.people_command import add_person
from leaddesk_local.provision import Deployment, client
from tests.helpers.api import call_api
from tests.helpers.bus import drain, sent_body
from tests.helpers.leads import ACCEPT_BODY, make_lead
from tests.helpers.notify import (
    call_notify_api,
    export_envelope,
    inbox,
    lead_envelope,
    notifications,
    notify,
    pump,
    put_settings,
    store,
)
from tests.helpers.tenants import Partners

NOW = datetime.now(UTC).replace(microsecond=0)


def feed(partner: str, **query: str) -> dict[str, Any]:
    return notifications(partner, limit="100", **query)


def settings(partner: str) -> dict[str, Any]:
    status, body = call_notify_api("GET", "/settings", "/settings", partner, ("viewer",))
    assert status == 200, body
    found: dict[str, Any] = body
    return found


def test_a_fresh_partner_with_one_referrals_admin_user_and_no_settings_gets_its_first_leads_email(
    deployment: Deployment, partners: Partners
) -> None:
    partner, una = partners("fresh"), f"una@{partners('fresh')}.com"
    cognito, pool = client("cognito-idp", None), deployment.refs["UserPool"]
    add_person(cognito, pool, partner, una, "referrals_admin", "Una")
    add_person(cognito, pool, partner, f"pat@{partner}.com", "profile_admin", None)  # not a recipient
    add_person(cognito, pool, partners.other, f"oz@{partners.other}.com", "referrals_admin", None)
    lead = make_lead(partner=partner, created_at=NOW - timedelta(minutes=5), company="First Buyer")
    store(deployment.refs["LeadsTable"], lead)

    assert notify(lead_envelope("lead.received", lead)) == {"batchItemFailures": []}

    assert [(m.to, m.subject) for m in inbox()] == [([una], "New lead: First Buyer")]
    answer = settings(partner)
    assert answer["referral_admin_emails"] == [] and answer["referrals_admin_users"] == [una]
    assert answer["unreached_lead_types"] == []
    assert [item["kind"] for item in feed(partner)["items"]] == ["new_lead"]  # no no_recipient item


def test_a_lead_nobody_can_be_told_of_adds_one_no_recipient_item_per_lead_type_and_day(
    deployment: Deployment, partners: Partners
) -> None:
    partner = partners("nobody")
    yesterday = NOW - timedelta(days=1)
    offers = [make_lead(partner=partner, created_at=NOW - timedelta(minutes=n)) for n in (1, 2, 3)]
    profile = make_lead(partner=partner, created_at=NOW - timedelta(minutes=4), lead_type="profile")
    older = make_lead(partner=partner, created_at=yesterday.replace(hour=12, minute=0, second=0))
    leads = [*offers, profile, older]
    store(deployment.refs["LeadsTable"], *leads)

    bodies = [lead_envelope("lead.received", lead) for lead in leads]
    assert notify(*bodies[:2]) == {"batchItemFailures": []}
    assert notify(*bodies) == {"batchItemFailures": []}  # the first two redelivered
    assert notify(*bodies[2:]) == {"batchItemFailures": []}

    assert inbox() == []
    items = feed(partner)["items"]
    nobody = Counter((i["lead_type"], i["at"][:10]) for i in items if i["kind"] == "no_recipient")
    assert nobody == Counter(
        {("offer", NOW.date().isoformat()): 1, ("profile", NOW.date().isoformat()): 1,
         ("offer", older.created_at.date().isoformat()): 1}
    )  # fmt: skip
    assert Counter(i["kind"] for i in items) == Counter({"new_lead": 5, "no_recipient": 3})
    assert feed(partner)["unread"] == 8
    assert settings(partner)["unreached_lead_types"] == [
        "offer", "profile", "marketing_qualified", "sales_qualified", "joint_planning", "shared_marketing"
    ]  # fmt: skip


@pytest.mark.fresh_deployment  # the sweep reads every partner's due leads
def test_one_sweep_sends_one_reminder_per_recipient_listing_its_leads_once(
    deployment: Deployment, partners: Partners
) -> None:
    partner, ana, ben, milano = (
        partners("soon"),
        "ana@partner-soon.com",
        "ben@partner-soon.com",
        "mi@partner-soon.com",
    )
    put_settings(partner, referral_admin_emails=[ana, ben], locations={"IT": milano}, language="fr")
    table, queue = deployment.refs["LeadsTable"], deployment.refs["NotifyQueue"]
    due = NOW - timedelta(days=12, hours=1)
    offers = [
        make_lead(partner=partner, created_at=due - timedelta(minutes=n), company=f"Soon {n}")
        for n in (1, 2, 3)
    ]
    italian = make_lead(partner=partner, created_at=due, lead_type="profile", country="IT", company="Roma")
    store(table, *offers, italian)
    composition.reset()  # the sweep's store reads the leads written above

    composition.sweep_service().sweep(NOW)
    messages = drain(queue)
    bodies = [sent_body(m) for m in messages]
    assert Counter(m["detail-type"] for m in messages) == Counter(
        {"lead.expiring_soon": 4, "leads.expiring_soon": 1}
    )
    for start in range(0, len(bodies), 10):
        assert notify(*bodies[start : start + 10]) == {"batchItemFailures": []}
    for start in range(0, len(bodies), 10):  # every event delivered twice
        assert notify(*bodies[start : start + 10]) == {"batchItemFailures": []}
    composition.sweep_service().sweep(NOW)  # the sweep run again at the same time
    composition.sweep_service().sweep(NOW + timedelta(minutes=5))  # and the next run
    assert pump(queue) == 0  # nothing more to remind of

    mails = {address: [m for m in inbox() if address in m.to] for address in (ana, ben, milano)}
    assert {address: len(found) for address, found in mails.items()} == {ana: 1, ben: 1, milano: 1}
    [to_ana] = mails[ana]
    assert to_ana.subject == "Expiration proche : 3 prospects attendent votre réponse"
    assert all(f"Soon {n}" in to_ana.text for n in (1, 2, 3)) and "Roma" not in to_ana.text
    assert mails[milano][0].subject == "Expiration proche : le prospect de Roma"
    kinds = Counter(item["kind"] for item in feed(partner)["items"])
    assert kinds == Counter({"expiring_soon": 4}), kinds  # the action center keeps one item per lead


def test_an_answered_leads_items_are_resolved_and_the_feed_filters_by_state(
    deployment: Deployment, partners: Partners
) -> None:
    partner = partners("state")
    put_settings(partner, referral_admin_emails=["ana@partner-state.com"])
    table, queue = deployment.refs["LeadsTable"], deployment.refs["NotifyQueue"]
    worked = make_lead(partner=partner, created_at=NOW - timedelta(minutes=3), company="Worked")
    waiting = make_lead(partner=partner, created_at=NOW - timedelta(minutes=2), company="Waiting")
    store(table, worked, waiting)
    old_export = NOW - timedelta(days=8)
    assert notify(
        lead_envelope("lead.received", worked),
        lead_envelope("lead.received", waiting),
        export_envelope(
            "export.completed", partner, "x-old", row_count=3, completed_at=old_export.isoformat()
        ),
        export_envelope("export.completed", partner, "x-new", row_count=4, completed_at=NOW.isoformat()),
    ) == {"batchItemFailures": []}
    before = feed(partner, state="open")
    assert before["open"] == 3 and [i["company"] or i["export_id"] for i in before["items"]] == [
        "x-new",
        "Waiting",
        "Worked",
    ]  # fmt: skip — the old export's file is gone: resolved at read

    status, answer, _ = call_api(
        "POST", f"/leads/{worked.lead_id}/accept", "/leads/{lead_id}/accept", partner,
        body=ACCEPT_BODY, path_parameters={"lead_id": worked.lead_id},
    )  # fmt: skip
    assert status == 200, answer
    pump(queue)  # lead.accepted: the notifier resolves the lead's items

    opened = feed(partner, state="open")
    assert opened["open"] == 2 and [i["company"] or i["export_id"] for i in opened["items"]] == [
        "x-new",
        "Waiting",
    ]
    resolved = feed(partner, state="resolved")["items"]
    assert {(i["kind"], i["company"] or i["export_id"]) for i in resolved} == {
        ("new_lead", "Worked"), ("export_ready", "x-old")
    }  # fmt: skip
    assert all(i["state"] == "resolved" for i in resolved)
    [item] = [i for i in feed(partner)["items"] if i["company"] == "Worked"]
    assert item["state"] == "resolved" and item["resolved_at"] and feed(partner)["open"] == 2
    pump(queue)  # nothing further
    assert notify(lead_envelope("lead.accepted", worked)) == {"batchItemFailures": []}  # redelivered
    assert feed(partner)["open"] == 2

    status, body = call_notify_api(
        "GET", "/notifications", "/notifications", partner, ("viewer",), query={"state": ["closed"]}
    )
    assert status == 400 and body["field"] == "state", body
