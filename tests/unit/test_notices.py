"""Who receives what (the recipients table of docs/product.md#notifications), as a pure function."""

from __future__ import annotations

import json

import pytest

from leaddesk.domain.models import EmailValidity, LeadStatus, LeadType, Outcome, Person, Referrer
from leaddesk.domain.notices import (
    Notice,
    NoticeKind,
    NoticeRejected,
    Why,
    parse_notice,
    recipients,
    reminded,
    unreached_lead_types,
)
from leaddesk.domain.notify_settings import NotificationSettings
from tests.helpers.leads import make_lead
from tests.helpers.notify import lead_envelope

ADMINS = ["ana@partner.com", "ben@partner.com"]
SELLER = Person(name="Emma", email="emma@operator.com")


def routed(lead_type: LeadType, settings: NotificationSettings, **fields: object) -> list[tuple[str, Why]]:
    lead = make_lead(lead_type=lead_type, country="IT", **({"assigned_contact": SELLER} | fields))
    found = recipients(Notice(NoticeKind.NEW_LEAD, "p", lead.lead_id), lead, settings)
    return [(r.address, r.why) for r in found]


PLAIN = NotificationSettings(referral_admin_emails=ADMINS, locations={"IT": "milano@partner.com"})
PREFERRED = PLAIN.model_copy(update={"preferred_email": "leads@partner.com"})
ADMINS_ONLY = [(a, Why.REFERRAL_ADMIN) for a in ADMINS]


@pytest.mark.parametrize(
    ("lead_type", "settings", "expected"),
    [
        (LeadType.OFFER, PLAIN, ADMINS_ONLY),
        (LeadType.OFFER, PREFERRED, [("leads@partner.com", Why.PREFERRED_EMAIL)]),
        (LeadType.PROFILE, PLAIN, [("milano@partner.com", Why.LOCATION_CONTACT)]),
        (LeadType.PROFILE, PREFERRED, [("leads@partner.com", Why.PREFERRED_EMAIL)]),
        (LeadType.PROFILE, NotificationSettings(referral_admin_emails=ADMINS), ADMINS_ONLY),  # no location
        (LeadType.JOINT_PLANNING, PLAIN, ADMINS_ONLY),
        (LeadType.JOINT_PLANNING, PREFERRED, [("leads@partner.com", Why.PREFERRED_EMAIL)]),
        *[
            (kind, settings, [("emma@operator.com", Why.ASSIGNED_CONTACT)])
            for kind in (LeadType.MARKETING_QUALIFIED, LeadType.SALES_QUALIFIED, LeadType.SHARED_MARKETING)
            for settings in (PLAIN, PREFERRED)  # the preferred email never overrides the seller's contact
        ],
    ],
)
def test_the_recipients_table(lead_type: LeadType, settings: NotificationSettings, expected: object) -> None:
    assert routed(lead_type, settings) == expected


def test_a_qualified_lead_without_a_usable_seller_contact_goes_to_the_referral_admins() -> None:
    for contact in (None, Person(name="x", email="not an address")):
        assert routed(LeadType.SALES_QUALIFIED, PREFERRED, assigned_contact=contact) == ADMINS_ONLY


def test_nobody_hears_of_test_informational_or_do_not_contact_leads() -> None:
    assert routed(LeadType.OFFER, PLAIN, is_test=True) == []
    assert routed(LeadType.OFFER, PLAIN, status=LeadStatus.INFORMATIONAL, call_to_action="get_it_now") == []
    assert routed(LeadType.OFFER, PLAIN, status=LeadStatus.INFORMATIONAL, do_not_contact=True) == []


def test_decline_expiry_and_expiring_soon() -> None:
    lead = make_lead(status=LeadStatus.ARCHIVED, outcome=Outcome.DECLINED)
    declined = Notice(NoticeKind.DECLINED, "p", lead.lead_id)
    assert [r.address for r in recipients(declined, lead, PLAIN)] == ["ada@contoso.com"]
    for unusable in ({"do_not_contact": True}, {"email_validity": EmailValidity.INVALID},
                     {"email_validity": EmailValidity.SPAM}):  # fmt: skip
        assert recipients(declined, lead.model_copy(update=unusable), PLAIN) == []
    referred = make_lead(referrer=Referrer(kind="partner", name="R", email="r@referrer.com"))
    expired = Notice(NoticeKind.EXPIRED, "p", referred.lead_id)
    assert [(r.address, r.why) for r in recipients(expired, referred, PREFERRED)] == [
        ("r@referrer.com", Why.REFERRER)
    ]
    assert recipients(expired, make_lead(), PLAIN) == []  # a marketplace lead has no referrer to tell
    soon = Notice(NoticeKind.EXPIRING_SOON, "p", lead.lead_id)
    assert recipients(soon, make_lead(), PLAIN) == []  # its item only: the run's reminders email


def test_a_runs_reminders_list_each_recipients_own_leads_once() -> None:
    offer = make_lead(company="Offer Co")
    profile = make_lead(lead_type=LeadType.PROFILE, country="IT", company="Milano Co")
    answered = make_lead(status=LeadStatus.ACCEPTED)
    found = reminded([offer, profile, answered, make_lead(is_test=True)], PLAIN)
    assert {address: [lead.customer.company for lead in leads] for address, (_, leads) in found.items()} == {
        "ana@partner.com": ["Offer Co"],
        "ben@partner.com": ["Offer Co"],
        "milano@partner.com": ["Milano Co"],
    }
    everything = reminded([offer, profile], PREFERRED)
    assert [(a, len(leads)) for a, (_, leads) in everything.items()] == [("leads@partner.com", 2)]


def test_referral_admins_are_the_settings_addresses_else_the_partners_referrals_admin_users() -> None:
    users = ["una@partner.com"]
    nobody = NotificationSettings()
    lead = make_lead()
    notice = Notice(NoticeKind.NEW_LEAD, "p", lead.lead_id)
    assert [(r.address, r.why) for r in recipients(notice, lead, nobody, users)] == [
        ("una@partner.com", Why.REFERRALS_ADMIN_USER)
    ]
    assert [r.address for r in recipients(notice, lead, PLAIN, users)] == ADMINS  # the settings win
    assert recipients(notice, lead, nobody, []) == []
    assert unreached_lead_types(nobody, users) == [] and unreached_lead_types(PLAIN) == []
    assert unreached_lead_types(nobody) == list(LeadType)
    only_preferred = NotificationSettings(preferred_email="leads@partner.com")
    assert unreached_lead_types(only_preferred) == [
        LeadType.MARKETING_QUALIFIED,
        LeadType.SALES_QUALIFIED,
        LeadType.SHARED_MARKETING,
    ]


def test_a_sweep_runs_reminders_and_a_leads_answer_are_notices() -> None:
    run = parse_notice(
        '{"detail-type": "leads.expiring_soon", "detail": {"partner_id": "p", '
        '"run_at": "2026-12-01T09:00:00Z", "lead_ids": ["b", "a", "a"]}}'
    )
    assert (run.kind, run.lead_ids, run.subject_id) == (NoticeKind.REMINDERS, ("b", "a"), "20261201T090000Z")
    again = parse_notice(
        '{"detail-type": "leads.expiring_soon", "detail": {"partner_id": "p", '
        '"run_at": "2026-12-01T09:00:00+00:00", "lead_ids": ["a", "b"]}}'
    )
    other = parse_notice(
        '{"detail-type": "leads.expiring_soon", "detail": {"partner_id": "p", '
        '"run_at": "2026-12-01T09:00:00Z", "lead_ids": ["c"]}}'
    )
    assert run.key == again.key != other.key  # the same run's same leads; a retried run's others
    with pytest.raises(NoticeRejected) as empty:
        parse_notice('{"detail-type": "leads.expiring_soon", "detail": {"partner_id": "p", "run_at": '
                     '"2026-12-01T09:00:00Z", "lead_ids": []}}')  # fmt: skip
    assert empty.value.field == "detail.lead_ids"
    lead = make_lead()
    for event in ("lead.accepted", "lead.won", "lead.lost", "lead.converted", "lead.archived"):
        answer = parse_notice(json.dumps(lead_envelope(event, lead)))
        assert (answer.kind, answer.key) == (NoticeKind.ANSWERED, f"answered#{lead.lead_id}")


def test_events_the_notifier_cannot_handle_are_refused_naming_the_field() -> None:
    with pytest.raises(NoticeRejected) as missing:
        parse_notice('{"detail-type": "lead.received", "detail": {"partner_id": "p"}}')
    assert missing.value.field == "detail.lead_id"
    with pytest.raises(NoticeRejected) as other:
        parse_notice('{"detail-type": "lead.edited", "detail": {}}')
    assert other.value.field == "detail-type"
    with pytest.raises(NoticeRejected):
        parse_notice("[]")
    notice = parse_notice(
        '{"detail-type": "export.completed", '
        '"detail": {"partner_id": "p", "export_id": "e1", "row_count": 3}}'
    )
    assert (notice.kind, notice.key) == (NoticeKind.EXPORT_READY, "export_ready#e1")
    with pytest.raises(NoticeRejected) as missing_rows:  # the contract's export.completed has its rows
        parse_notice('{"detail-type": "export.completed", "detail": {"partner_id": "p", "export_id": "e1"}}')
    assert missing_rows.value.field == "detail.row_count"
    with pytest.raises(NoticeRejected) as newer:  # a version the notifier does not know
        parse_notice('{"detail-type": "lead.received", "detail": {"partner_id": "p", "schema_version": 2}}')
    assert newer.value.field == "detail.schema_version"
    with pytest.raises(NoticeRejected) as no_detail:
        parse_notice('{"detail-type": "lead.declined"}')
    assert no_detail.value.field == "detail"


def test_an_items_state() -> None:
    from datetime import UTC, datetime, timedelta

    from leaddesk.domain.action_center import ActionKind, ItemState, export_item, item_state, lead_item

    now = datetime(2026, 12, 1, tzinfo=UTC)
    new = lead_item(ActionKind.NEW_LEAD, make_lead(), now)
    assert new.state is ItemState.OPEN and item_state(new, True, False, now) is ItemState.OPEN
    assert item_state(new, False, True, now) is ItemState.RESOLVED
    accepted = lead_item(ActionKind.NEW_LEAD, make_lead(status=LeadStatus.ACCEPTED), now)
    assert accepted.state is ItemState.RESOLVED  # answered before its item was written
    ready = export_item(True, "e1", now, 3, None, now + timedelta(days=7))
    assert item_state(ready, True, False, now) is ItemState.OPEN
    assert item_state(ready, False, False, now + timedelta(days=7)) is ItemState.RESOLVED
    failed = export_item(False, "e2", now, None, "boom", now + timedelta(days=7))
    assert failed.expires_at is None
    assert item_state(failed, False, False, now) is ItemState.OPEN
    assert item_state(failed, True, False, now) is ItemState.RESOLVED  # a notice: done once read
