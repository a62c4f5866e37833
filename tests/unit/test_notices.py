"""Who receives what (the recipients table of docs/product.md#notifications), as a pure function."""

from __future__ import annotations

import pytest

from leaddesk.domain.models import EmailValidity, LeadStatus, LeadType, Outcome, Person, Referrer
from leaddesk.domain.notices import Notice, NoticeKind, NoticeRejected, Why, parse_notice, recipients
from leaddesk.domain.notify_settings import NotificationSettings
from tests.helpers.leads import make_lead

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
    assert [r.address for r in recipients(soon, make_lead(), PLAIN)] == ADMINS
    assert recipients(soon, make_lead(status=LeadStatus.ACCEPTED), PLAIN) == []  # answered meanwhile


def test_events_the_notifier_cannot_handle_are_refused_naming_the_field() -> None:
    with pytest.raises(NoticeRejected) as missing:
        parse_notice('{"detail-type": "lead.received", "detail": {"partner_id": "p"}}')
    assert missing.value.field == "detail.lead_id"
    with pytest.raises(NoticeRejected) as other:
        parse_notice('{"detail-type": "lead.won", "detail": {}}')
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
