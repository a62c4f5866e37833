"""No input crashes ingest's parsers: any string, any JSON shape, for all three detail-types,
yields a lead or a clear rejection (`InboundRejected` naming a field)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from leaddesk.domain.contact import ContactValidator
from leaddesk.domain.inbound import (
    INBOUND_DETAIL_TYPES,
    MARKETPLACE_LEAD,
    PROFILE_INQUIRY,
    QUALIFIED_LEAD,
    InboundRejected,
    IngestContext,
    parse_inbound,
)
from leaddesk.domain.lead_source import parse_action, parse_lead_source, resolve_action
from leaddesk.domain.models import EmailValidity, Lead, LeadQuality, LeadStatus, PhoneValidity
from leaddesk.domain.text import BIDI_CONTROLS, clean_text
from tests.helpers.strategies import json_values, scalars

CTX = IngestContext("01JPROPERTYLEAD00000000000", datetime(2026, 11, 24, tzinfo=UTC), ContactValidator())

_KEYS = {
    MARKETPLACE_LEAD: [
        "partner_id", "event_id", "occurred_at", "contact_requested", "lead_source", "call_to_action",
        "UserDetails", "LeadSource", "ActionCode", "OfferTitle", "Description", "is_test", "do_not_contact",
    ],
    PROFILE_INQUIRY: [
        "partner_id", "event_id", "occurred_at", "customer", "need", "contact_requested", "lead_source",
        "is_test",
    ],
    QUALIFIED_LEAD: [
        "partner_id", "event_id", "occurred_at", "lead_type", "customer", "notes", "contact_requested",
        "assigned_contact", "referrer", "estimated_value", "currency", "campaign_id", "is_test",
    ],
}  # fmt: skip
_CUSTOMER_KEYS = [
    "FirstName", "LastName", "Email", "Phone", "Country", "Company", "Title",
    "first_name", "last_name", "email", "phone", "country", "company", "title", "name", "kind",
]  # fmt: skip


def messy(key: str) -> st.SearchStrategy[str]:
    """The key as producers spell it: any case, stray spacing, underscores or not."""
    return st.sampled_from(
        [key, key.lower(), key.upper(), f" {key} ", key.replace("_", ""), key[:1].lower() + key[1:]]
    )


def customer_objects() -> st.SearchStrategy[dict[str, Any]]:
    return st.dictionaries(
        st.sampled_from(_CUSTOMER_KEYS).flatmap(messy),
        scalars
        | st.sampled_from(["MSFT_TEST", "ada@contoso.com", "+1 206 555 0100", "usa", "x@mailinator.com"]),
        max_size=7,
    )


def shaped_details(detail_type: str) -> st.SearchStrategy[dict[str, Any]]:
    """Details whose keys are the contract's (messily spelled), values anything at all."""
    values = (
        json_values
        | customer_objects()
        | st.sampled_from(
            [
                "PLT",
                "INS",
                "DNC",
                "AppSource (SPZA)-PLT | a.b",
                "sales_qualified",
                "2026-11-24T01:00:00Z",
                "EUR",
            ]
        )
    )
    return st.dictionaries(st.sampled_from(_KEYS[detail_type]).flatmap(messy), values, max_size=10)


def valid_ids() -> st.SearchStrategy[dict[str, Any]]:
    event_ids = st.text(min_size=1, max_size=20).filter(lambda text: bool(clean_text(text)))
    return st.fixed_dictionaries({"partner_id": st.just("p1"), "event_id": event_ids})


def check_outcome(detail_type: Any, detail: Any) -> Lead | InboundRejected:
    try:
        lead = parse_inbound(detail_type, detail, CTX)
    except InboundRejected as rejected:
        assert rejected.field and rejected.reason  # names what is wrong
        return rejected
    assert lead.partner_id.strip() and lead.event_id.strip()
    assert lead.quality_reasons, "every lead explains its quality"
    assert lead.lead_quality in LeadQuality and lead.email_validity in EmailValidity
    assert lead.phone_validity in PhoneValidity
    assert lead.customer.country is None or len(lead.customer.country) == 2
    if lead.do_not_contact:
        assert lead.status is LeadStatus.INFORMATIONAL and not lead.contact_requested
    stored = lead.model_dump_json()
    stored.encode("utf-8")  # storable as the document the store keeps: no lone surrogate
    assert_clean(json.loads(stored))
    return lead


def assert_clean(value: Any) -> None:
    """No control, surrogate or bidi-control character survives ingest, and text is NFC."""
    if isinstance(value, dict):
        for item in value.values():
            assert_clean(item)
    elif isinstance(value, list):
        for item in value:
            assert_clean(item)
    elif isinstance(value, str):
        assert value == clean_text(value, multiline="\n" in value), repr(value)
        assert not BIDI_CONTROLS & set(value)


@settings(max_examples=150)
@given(st.sampled_from(INBOUND_DETAIL_TYPES) | st.text(max_size=20), json_values)
def test_any_json_for_any_detail_type_is_a_lead_or_a_named_rejection(detail_type: str, detail: Any) -> None:
    check_outcome(detail_type, detail)


@settings(max_examples=150)
@given(st.data())
def test_contract_keys_with_any_values_are_a_lead_or_a_named_rejection(data: st.DataObject) -> None:
    detail_type = data.draw(st.sampled_from(INBOUND_DETAIL_TYPES))
    detail = data.draw(shaped_details(detail_type))
    if data.draw(st.booleans()):
        detail |= data.draw(valid_ids())
    check_outcome(detail_type, detail)


@settings(max_examples=150)
@given(
    valid_ids(),
    st.text(max_size=60),
    st.text(max_size=20),
    st.text(max_size=40),
    st.text(max_size=30),
    st.text(max_size=30),
)
def test_any_text_in_the_marketplace_fields_makes_a_lead(
    ids: dict[str, Any], lead_source: str, action_code: str, email: str, phone: str, country: str
) -> None:
    """Free text never rejects a marketplace lead: unknown parts are kept verbatim and flagged."""
    detail = ids | {
        "LeadSource": lead_source,
        "ActionCode": action_code,
        "userDetails": {"Email": email, "Phone": phone, "Country": country, "Company": "Contoso"},
    }
    outcome = check_outcome(MARKETPLACE_LEAD, detail)
    assert isinstance(outcome, Lead), outcome
    cleaned = clean_text(lead_source) or None
    assert outcome.raw_lead_source == cleaned  # kept verbatim (normalised, spacing collapsed)
    parsed = parse_lead_source(cleaned)
    if parsed.source_text and parsed.source is None:
        assert f"unknown_source:{parsed.source_text}" in outcome.ingest_flags


@given(st.text(), st.text())
def test_lead_source_and_action_code_never_raise(lead_source: str, action_code: str) -> None:
    parsed = parse_lead_source(lead_source)
    resolved = resolve_action(parsed.action, action_code)
    # the documented rule: a known ActionCode wins, the LeadSource action is the fallback
    assert resolved.action == (parse_action(action_code) or parsed.action)
    for flag in (*parsed.flags, *resolved.flags):
        assert ":" in flag  # `kind:verbatim value`
