"""NotifyFunction on moto: a lead's company written as an RFC 2047 encoded-word whose decoded
text holds CR/LF and headers reaches SES as literal text, to exactly the intended recipients."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest

from leaddesk.domain.models import LeadStatus, LeadType, Outcome, Person, Referrer
from leaddesk_local.provision import Deployment
from tests.helpers.leads import make_lead
from tests.helpers.notify import inbox, lead_envelope, notify, put_settings, store

ADMINS = ["ana@partner-contoso.com", "ben@partner-contoso.com"]
NOW = datetime.now(UTC).replace(microsecond=0)
INJECTED = "Invoice\r\nBcc: victim@example.net\r\nReply-To: attacker@example.net\r\n\r\n<body>"
COMPANY = "=?utf-8?b?" + base64.b64encode(INJECTED.encode()).decode() + "?="


@pytest.fixture
def table(deployment: Deployment) -> str:
    put_settings(referral_admin_emails=ADMINS, language="en")
    return deployment.refs["LeadsTable"]


def test_a_new_lead_with_an_encoded_word_company_goes_only_to_the_admins(table: str) -> None:
    lead = make_lead(created_at=NOW, company=COMPANY)
    store(table, lead)
    assert notify(lead_envelope("lead.received", lead)) == {"batchItemFailures": []}
    sent = inbox()
    assert sorted(address for mail in sent for address in mail.to) == ADMINS  # what SES sent to
    for mail in sent:
        assert mail.subject == f"New lead: {COMPANY}"  # decoded by a reader: still the literal word
        assert mail.header("bcc") is None and mail.header("reply-to") is None
        assert "<body>" not in mail.text


def test_an_expiry_with_an_encoded_word_company_goes_only_to_the_referrer(table: str) -> None:
    lead = make_lead(
        created_at=NOW,
        company=COMPANY,
        lead_type=LeadType.SALES_QUALIFIED,
        status=LeadStatus.ARCHIVED,
        outcome=Outcome.EXPIRED,
        referrer=Referrer(kind="operator", name="Liam", email="liam@operator-sales.com"),
        assigned_contact=Person(name="Emma", email="emma@partner-contoso.com"),
    )
    store(table, lead)
    notify(lead_envelope("lead.expired", lead, notify="referrer"))
    [mail] = inbox()
    assert mail.to == ["liam@operator-sales.com"]
    assert mail.subject == f"A lead you referred expired: {COMPANY}" and mail.header("reply-to") is None


def test_mail_to_a_customer_reaches_ses_without_leaddesk_headers(table: str) -> None:
    """The decline email as SES received it: none of LeadDesk's `X-LeadDesk-*` trace headers
    (the partner's id, the notice key), which mail to the partner's own people keeps."""
    declined = make_lead(created_at=NOW, status=LeadStatus.ARCHIVED, outcome=Outcome.DECLINED)
    fresh = make_lead(created_at=NOW, company="Fourth Coffee")
    store(table, declined, fresh)
    notify(lead_envelope("lead.declined", declined), lead_envelope("lead.received", fresh))
    [to_customer] = inbox("ada@contoso.com")
    assert [name for name in to_customer.headers if name.startswith("x-leaddesk")] == []
    assert all(to_customer.header(name) is None for name in ("x-leaddesk-partner", "x-leaddesk-key"))
    to_admin = inbox(ADMINS[0])[0]
    assert to_admin.header("x-leaddesk-partner") and to_admin.header("x-leaddesk-key")
