"""A day's mixed workload, end to end on moto: ingest → bus → notify queue → NotifyFunction → SES,
then a decline, the sweep's expiry and expiring-soon reminder; every inbox checked exactly.

The sweep applies the rules of every partner's due leads, so the test has a table of its own."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from leaddesk import composition
from leaddesk.domain.models import LeadType, Person, Referrer
from leaddesk_local.provision import Deployment
from tests.helpers.api import call_api
from tests.helpers.bus import envelope
from tests.helpers.ingest import invoke, leads_of, sqs_event
from tests.helpers.leads import make_lead, put_leads
from tests.helpers.notify import inbox, notifications, pump, put_settings, ses_refusing
from tests.helpers.tenants import Partners

ANA, BEN = "ana@partner-day.com", "ben@partner-day.com"
MILANO, BERLIN = "milano@partner-day.com", "berlin@partner-day.com"  # Berlin's address bounces
SELLER = "emma@operator-sales.com"
PREFERRED = "leads@partner-pref.com"


def marketplace(partner: str, n: int, action: str, company: str, **extra: Any) -> dict[str, Any]:
    detail = {
        "partner_id": partner,
        "event_id": f"{partner}-m{n}",
        "UserDetails": {
            "FirstName": "Kim",
            "Email": f"buyer{n}@customer{n}.com",
            "Company": company,
            "Country": "US",
        },
        "LeadSource": f"AppSource-{action} | contoso.crm",
        "ActionCode": action,
        **extra,
    }
    return envelope("Marketplace Lead", detail)


def profile(partner: str, n: int, country: str, company: str) -> dict[str, Any]:
    customer = {"first_name": "Giulia", "last_name": "Rossi", "email": f"giulia{n}@customer{n}.com",
                "country": country, "company": company}  # fmt: skip
    return envelope(
        "Profile Inquiry", {"partner_id": partner, "event_id": f"{partner}-p{n}", "customer": customer}
    )


def qualified(
    partner: str, n: int, kind: str, company: str, seller: str | None, **extra: Any
) -> dict[str, Any]:
    detail = {
        "partner_id": partner,
        "event_id": f"{partner}-q{n}",
        "lead_type": kind,
        "customer": {
            "first_name": "Jo",
            "email": f"jo{n}@customer{n}.com",
            "company": company,
            "country": "NL",
        },
        "assigned_contact": {"name": "Emma", "email": seller} if seller else None,
        "referrer": {"kind": "operator", "name": "Liam", "email": "liam@operator-sales.com"},
        **extra,
    }
    return envelope("Qualified Lead", detail)


@pytest.mark.fresh_deployment
def test_a_days_mixed_workload_reaches_exactly_the_right_inboxes(
    deployment: Deployment, partners: Partners
) -> None:
    day, pref = partners("day"), partners("pref")
    table, queue = deployment.refs["LeadsTable"], deployment.refs["NotifyQueue"]
    put_settings(day, referral_admin_emails=[ANA, BEN], locations={"IT": MILANO, "DE": BERLIN})
    put_settings(pref, preferred_email=PREFERRED, referral_admin_emails=["admin@partner-pref.com"])
    now = datetime.now(UTC)
    # Two leads of earlier days: one about to expire (the sweep reminds), one past expiry.
    reminded = make_lead(partner=day, created_at=now - timedelta(days=12, hours=1), company="Soon Corp")
    expiring = make_lead(
        partner=day,
        created_at=now - timedelta(days=15),
        lead_type=LeadType.SALES_QUALIFIED,
        company="Old Corp",
        assigned_contact=Person(name="Emma", email=SELLER),
        referrer=Referrer(kind="operator", name="Liam", email="liam@operator-sales.com"),
    )
    put_leads([reminded, expiring], table)

    inbound = [
        marketplace(day, 1, "PLT", "Contoso Buyer"),  # offer, contact me → the referral admins
        marketplace(day, 2, "INS", "Installer"),  # informational → nobody
        marketplace(day, 3, "DNC", "Do Not Call"),  # do not contact → nobody
        marketplace(day, 4, "PLT", "MSFT_TEST Company", test=True),  # a test lead → nobody
        profile(day, 5, "IT", "Alpine Ski House"),  # the Italian location's contact
        profile(day, 6, "FR", "Paris Bakery"),  # no French location → the referral admins
        profile(day, 7, "DE", "Berlin Bikes"),  # the German location's address is refused by SES
        qualified(day, 8, "sales_qualified", "Northwind", SELLER),  # the seller's contact
        qualified(day, 9, "marketing_qualified", "Fabrikam", None),  # no contact → the referral admins
        qualified(day, 10, "joint_planning", "Tailspin", SELLER),  # joint planning → the referral admins
        qualified(day, 11, "shared_marketing", "Woodgrove", SELLER, contact_requested=True),  # urgent
        marketplace(pref, 12, "PLT", "Pref Offer"),  # preferred email overrides the admins
        qualified(pref, 13, "sales_qualified", "Pref Sales", SELLER),  # ...but not the seller's contact
    ]
    with ses_refusing({BERLIN: "MessageRejected"}):
        invoke(sqs_event(*inbound[:10]))
        invoke(sqs_event(*inbound[10:], inbound[0], inbound[7]))  # two producer retries: duplicates
        assert pump(queue) == 13  # lead.received of each new lead (test ones too), none for duplicates
        assert pump(queue) == 0
        italian = next(lead for lead in leads_of(day) if lead["customer"]["company"] == "Alpine Ski House")
        status, answer, _ = call_api(
            "POST", f"/leads/{italian['lead_id']}/decline", "/leads/{lead_id}/decline", day,
            body={"reason": "requirement_not_met"}, path_parameters={"lead_id": italian["lead_id"]},
        )  # fmt: skip
        assert status == 200, answer
        composition.sweep_service().sweep(now)
        pump(queue)  # lead.declined, lead.expiring_soon, lead.expired (and the lifecycle's others)
        pump(queue)

    received = Counter((address, mail.subject) for mail in inbox() for address in mail.to)
    assert received == Counter(
        {
            (ANA, "New lead: Contoso Buyer"): 1,
            (BEN, "New lead: Contoso Buyer"): 1,
            (MILANO, "New lead: Alpine Ski House"): 1,
            (ANA, "New lead: Paris Bakery"): 1,
            (BEN, "New lead: Paris Bakery"): 1,
            (SELLER, "New lead: Northwind"): 1,
            (ANA, "New lead: Fabrikam"): 1,
            (BEN, "New lead: Fabrikam"): 1,
            (ANA, "New lead: Tailspin"): 1,
            (BEN, "New lead: Tailspin"): 1,
            (SELLER, "[Urgent] New lead: Woodgrove"): 1,
            (PREFERRED, "New lead: Pref Offer"): 1,
            (SELLER, "New lead: Pref Sales"): 1,
            # the customer (in Italy) reads Italian, whatever the partner's language
            ("giulia5@customer5.com", "In merito alla tua richiesta: scegli un altro partner"): 1,
            (ANA, "Expiring soon: the lead from Soon Corp"): 1,
            (BEN, "Expiring soon: the lead from Soon Corp"): 1,
            ("liam@operator-sales.com", "A lead you referred expired: Old Corp"): 1,
        }
    )
    assert all(mail.html and mail.text for mail in inbox())

    feed = notifications(day, limit="100")
    kinds = Counter(item["kind"] for item in feed["items"])
    assert kinds == Counter({"new_lead": 8, "expiring_soon": 1, "send_failed": 1}), kinds
    [failure] = [item for item in feed["items"] if item["kind"] == "send_failed"]
    assert failure["recipient"] == BERLIN and failure["company"] == "Berlin Bikes"
    assert feed["unread"] == 10
