from datetime import UTC, datetime
from typing import Any

import pytest

from leaddesk.domain.contact import ContactValidator
from leaddesk.domain.inbound import (
    MARKETPLACE_LEAD,
    PROFILE_INQUIRY,
    QUALIFIED_LEAD,
    InboundRejected,
    IngestContext,
    dedupe_key,
    parse_inbound,
)
from leaddesk.domain.models import (
    CallToAction,
    EmailValidity,
    Flame,
    LeadQuality,
    LeadSourceKind,
    LeadStatus,
    LeadType,
    PhoneValidity,
    Tab,
)

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
CTX = IngestContext("01JTESTLEAD0000000000000000", NOW, ContactValidator())


def marketplace(**overrides: Any) -> dict[str, Any]:
    detail: dict[str, Any] = {
        "partner_id": "p1",
        "event_id": "e1",
        "UserDetails": {
            "FirstName": "Ada",
            "LastName": "Lovelace",
            "Email": "ada@contoso.com",
            "Phone": "+1 206 555 0100",
            "Country": "United States",
            "Company": "Contoso",
            "Title": "CTO",
        },
        "LeadSource": "AzureMarketplace-PLT | contoso.crm",
        "ActionCode": "PLT",
        "OfferTitle": "CRM",
        "Description": "call me",
    }
    detail.update(overrides)
    return detail


def test_marketplace_contact_me_is_actionable() -> None:
    lead = parse_inbound(MARKETPLACE_LEAD, marketplace(contact_requested=True), CTX)
    assert lead.lead_type is LeadType.OFFER and lead.tab is Tab.MARKETPLACE
    assert lead.status is LeadStatus.RECEIVED
    assert lead.call_to_action is CallToAction.CONTACT_ME
    assert lead.lead_source is LeadSourceKind.AZURE_MARKETPLACE
    assert lead.offer is not None and lead.offer.key == "contoso.crm"
    assert lead.customer.country == "US"
    assert lead.customer.phone == "+12065550100"
    assert (lead.email_validity, lead.phone_validity) == (EmailValidity.VALID, PhoneValidity.VALID)
    assert lead.lead_quality is LeadQuality.HIGH and lead.quality_reasons
    assert lead.flame is Flame.HOT


@pytest.mark.parametrize(
    ("action", "cta"),
    [
        ("INS", CallToAction.GET_IT_NOW),
        ("Create", CallToAction.CREATE),
        ("StartTestDrive", CallToAction.TEST_DRIVE),
    ],
)
def test_informational_calls_to_action(action: str, cta: CallToAction) -> None:
    lead = parse_inbound(
        MARKETPLACE_LEAD,
        marketplace(LeadSource=f"AppSource-{action} | a.b", ActionCode=action, contact_requested=True),
        CTX,
    )
    assert lead.call_to_action is cta
    assert lead.status is LeadStatus.INFORMATIONAL
    assert lead.flame is Flame.NONE  # the flame shows only while a lead is received


def test_explicit_free_trial_refines_install() -> None:
    lead = parse_inbound(MARKETPLACE_LEAD, marketplace(ActionCode="INS", call_to_action="free_trial"), CTX)
    assert lead.call_to_action is CallToAction.FREE_TRIAL
    assert lead.status is LeadStatus.INFORMATIONAL


def test_do_not_contact() -> None:
    lead = parse_inbound(
        MARKETPLACE_LEAD,
        marketplace(LeadSource="AzurePortal-DNC | a.b", ActionCode="DNC", contact_requested=True),
        CTX,
    )
    assert lead.do_not_contact is True
    assert lead.status is LeadStatus.INFORMATIONAL
    assert lead.contact_requested is False and lead.flame is Flame.NONE


def test_keys_are_case_and_spacing_insensitive() -> None:
    detail = {
        "Partner_ID": "p1",
        "eventId": "e2",
        "userDetails": {"firstname": "Bo", " EMAIL ": "bo@contoso.com", "country": "deu"},
        "leadsource": "AppSource (SPZA)-PLT | x.y",
    }
    lead = parse_inbound(MARKETPLACE_LEAD, detail, CTX)
    assert lead.customer.first_name == "Bo" and lead.customer.email == "bo@contoso.com"
    assert lead.customer.country == "DE"
    assert lead.call_to_action is CallToAction.CONTACT_ME


def test_everything_missing_but_ids_still_makes_a_flagged_lead() -> None:
    lead = parse_inbound(MARKETPLACE_LEAD, {"partner_id": "p1", "event_id": "e3"}, CTX)
    assert lead.status is LeadStatus.RECEIVED
    assert lead.lead_quality is LeadQuality.LOW
    assert any(flag.startswith("no_call_to_action") for flag in lead.ingest_flags)


def test_profile_inquiry() -> None:
    detail = {
        "partner_id": "p1",
        "event_id": "p-1",
        "customer": {
            "first_name": "Giulia",
            "email": "g@alpineskihouse.it",
            "country": "ITA",
            "company": "ASH",
        },
        "need": "migrate file servers",
    }
    lead = parse_inbound(PROFILE_INQUIRY, detail, CTX)
    assert lead.lead_type is LeadType.PROFILE and lead.lead_source is LeadSourceKind.APPSOURCE
    assert lead.description == "migrate file servers" and lead.customer.country == "IT"
    assert dedupe_key(lead) == "g@alpineskihouse.it|profile|-"


def test_qualified_lead() -> None:
    detail = {
        "partner_id": "p1",
        "event_id": "q-1",
        "lead_type": "joint_planning",
        "customer": {"company": "Northwind", "email": "x@northwind.com"},
        "assigned_contact": {"name": "Emma", "email": "emma@p1.com"},
        "referrer": {"kind": "partner", "name": "Liam"},
        "estimated_value": "1200.50",
    }
    lead = parse_inbound(QUALIFIED_LEAD, detail, CTX)
    assert lead.tab is Tab.QUALIFIED and lead.lead_type is LeadType.JOINT_PLANNING
    assert str(lead.estimated_value) == "1200.50" and lead.currency == "USD"
    assert lead.referrer is not None and lead.referrer.kind == "partner"


@pytest.mark.parametrize(
    ("detail_type", "detail", "field"),
    [
        (MARKETPLACE_LEAD, {"event_id": "e"}, "partner_id"),
        (MARKETPLACE_LEAD, {"partner_id": "p"}, "event_id"),
        (MARKETPLACE_LEAD, {"partner_id": "p", "event_id": "e", "UserDetails": "x"}, "UserDetails"),
        (QUALIFIED_LEAD, {"partner_id": "p", "event_id": "e", "lead_type": "offer"}, "lead_type"),
        (
            QUALIFIED_LEAD,
            {"partner_id": "p", "event_id": "e", "lead_type": "sales_qualified", "estimated_value": -1},
            "estimated_value",
        ),
        (
            QUALIFIED_LEAD,
            {"partner_id": "p", "event_id": "e", "lead_type": "sales_qualified", "currency": "XXQ"},
            "currency",
        ),
        ("Something Else", {}, "detail-type"),
        (PROFILE_INQUIRY, ["not", "an", "object"], "detail"),
    ],
)
def test_rejections_name_the_field(detail_type: str, detail: Any, field: str) -> None:
    with pytest.raises(InboundRejected) as caught:
        parse_inbound(detail_type, detail, CTX)
    assert caught.value.field == field


def test_test_leads() -> None:
    lead = parse_inbound(
        MARKETPLACE_LEAD,
        marketplace(
            UserDetails={"FirstName": "MSFT_TEST", "Company": "MSFT_TEST co", "Email": "MSFT_TEST@x.com"}
        ),
        CTX,
    )
    assert lead.is_test is True
    flagged = parse_inbound(PROFILE_INQUIRY, {"partner_id": "p", "event_id": "e", "is_test": True}, CTX)
    assert flagged.is_test is True


@pytest.mark.parametrize(
    ("detail", "field", "keys"),
    [
        (
            {"partner_id": "p-a", "Partner_ID": "p-b", "event_id": "e"},
            "partner_id",
            ("partner_id", "Partner_ID"),
        ),
        ({"partner_id": "p-a", "event_id": "e", "Event Id": "e2"}, "event_id", ("event_id", "Event Id")),
        (
            {
                "partner_id": "p-a",
                "event_id": "e",
                "UserDetails": {"Email": "a@x.example", "email": "b@y.example"},
            },
            "UserDetails.Email",
            ("Email", "email"),
        ),
        ({"": 1, " ": 2}, "detail", ("", " ")),  # keys that fold to nothing name their object
        (
            {"partner_id": "p-a", "event_id": "e", "UserDetails": {"-": 1, "_": 2}},
            "UserDetails",
            ("-", "_"),
        ),
    ],
)
def test_keys_differing_only_by_case_or_spacing_are_refused_naming_the_keys(
    detail: dict[str, Any], field: str, keys: tuple[str, str]
) -> None:
    """Which tenant (or address) was meant is ambiguous: never decided by which key came last."""
    with pytest.raises(InboundRejected) as caught:
        parse_inbound(MARKETPLACE_LEAD, detail, CTX)
    assert caught.value.field == field
    assert all(repr(key) in caught.value.reason for key in keys)
    assert not any(value in caught.value.reason for value in ("p-a", "p-b", "e2", "a@x", "b@y"))


SECRET = "ada.leak@secret.example"


@pytest.mark.parametrize(
    ("detail_type", "detail", "field"),
    [
        (PROFILE_INQUIRY, {"partner_id": "p", "event_id": "e", "lead_source": SECRET}, "lead_source"),
        (MARKETPLACE_LEAD, {"partner_id": "p", "event_id": "e", "call_to_action": SECRET}, "call_to_action"),
        (QUALIFIED_LEAD, {"partner_id": "p", "event_id": "e", "lead_type": SECRET}, "lead_type"),
        (
            QUALIFIED_LEAD,
            {
                "partner_id": "p",
                "event_id": "e",
                "lead_type": "sales_qualified",
                "referrer": {"kind": SECRET},
            },
            "referrer.kind",
        ),
        (
            QUALIFIED_LEAD,
            {"partner_id": "p", "event_id": "e", "lead_type": "sales_qualified", "currency": SECRET},
            "currency",
        ),
        (
            QUALIFIED_LEAD,
            {"partner_id": "p", "event_id": "e", "lead_type": "sales_qualified", "estimated_value": SECRET},
            "estimated_value",
        ),
        (MARKETPLACE_LEAD, {"partner_id": "p", "event_id": "e", "occurred_at": SECRET}, "occurred_at"),
        (MARKETPLACE_LEAD, {"partner_id": "p", "event_id": "e", "is_test": SECRET}, "is_test"),
        (MARKETPLACE_LEAD, {"partner_id": f"{SECRET}#1", "event_id": "e"}, "partner_id"),
        (SECRET, {"partner_id": "p", "event_id": "e"}, "detail-type"),
    ],
)
def test_a_rejection_names_the_field_and_the_rule_never_the_value(
    detail_type: str, detail: dict[str, Any], field: str
) -> None:
    """The reason goes to logs, the dead letter's attributes and `leaddesk dlq list`."""
    with pytest.raises(InboundRejected) as caught:
        parse_inbound(detail_type, detail, CTX)
    assert caught.value.field == field
    assert "ada" not in str(caught.value) and "secret" not in str(caught.value), str(caught.value)
