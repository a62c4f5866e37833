"""Input kept verbatim that should not be: text normalisation, look-alike domains, one money rule,
and claims that are not a tenant. Each test pins one class of defect found by probing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from leaddesk.domain.access import Unauthenticated, caller_from_claims
from leaddesk.domain.contact import ContactValidator, lookalike_domain
from leaddesk.domain.inbound import QUALIFIED_LEAD, InboundRejected, IngestContext, parse_inbound
from leaddesk.domain.models import Customer, EmailValidity, LeadQuality, PhoneValidity
from leaddesk.domain.quality import assess_quality
from leaddesk.domain.requests import AcceptRequest, EditRequest
from leaddesk.domain.text import BIDI_CONTROLS, clean_text
from leaddesk_local import tokens
from tests.helpers.leads import ACCEPT_BODY, T0

NASTY = "A\x00d\x1b[31ma\x1b[0m \u202eLovelace\u202c\x07 \ud800e\u0301"


def test_control_escape_bidi_and_surrogates_are_removed_and_text_is_nfc() -> None:
    assert clean_text(NASTY) == "Ada Lovelace \u00e9"
    assert clean_text("line one\r\nline\ttwo \x00\n\x1b]0;title\x07end", multiline=True) == (
        "line one\nline\ttwo\nend"
    )
    assert clean_text("  plain   text ") == "plain text"  # the fast path collapses spacing too


@given(st.text())
def test_cleaned_text_is_encodable_free_of_controls_and_stable(value: str) -> None:
    for multiline in (False, True):
        cleaned = clean_text(value, multiline=multiline)
        cleaned.encode("utf-8")
        assert not BIDI_CONTROLS & set(cleaned)
        assert all(ch in "\n\t" or ch.isprintable() or not ch.isascii() for ch in cleaned)
        assert clean_text(cleaned, multiline=multiline) == cleaned


def test_api_bodies_are_normalised_before_their_bounds_are_checked() -> None:
    typed = NASTY.replace("\ud800", "")  # a lone surrogate cannot be a request's text: 422
    accepted = AcceptRequest.model_validate(
        ACCEPT_BODY | {"deal_name": f"Deal {typed}", "notes": "call\x00 back\r\nMonday \u202e"}
    )
    assert accepted.deal_name == "Deal Ada Lovelace \u00e9"
    assert accepted.notes == "call back\nMonday"
    with pytest.raises(ValidationError, match="deal_name"):
        AcceptRequest.model_validate(ACCEPT_BODY | {"deal_name": "\x00\u202e"})  # nothing left: refused
    with pytest.raises(ValidationError, match="estimated_value"):
        AcceptRequest.model_validate(ACCEPT_BODY | {"estimated_value": "12000"})  # a form sends numbers


def ingest(detail: dict[str, Any]) -> Any:
    context = IngestContext("01JNORMALISED0000000000000", T0, ContactValidator())
    base = {"partner_id": "p1", "event_id": "e1", "lead_type": "sales_qualified"}
    return parse_inbound(QUALIFIED_LEAD, base | detail, context)


def test_ingest_normalises_every_text_the_same_way() -> None:
    lead = ingest({"customer": {"first_name": NASTY, "company": "Con\u200ftoso"}, "notes": "\x1b[2J"})
    assert lead.customer.first_name == "Ada Lovelace \u00e9"
    assert lead.customer.company == "Contoso"
    assert lead.notes is None
    lead.model_dump_json().encode("utf-8")  # a lone surrogate can no longer fail the store


@pytest.mark.parametrize(
    ("raw", "accepted"),
    [
        (12000, True),
        (12000.5, True),
        (10**12, True),
        (10**12 + 1, False),  # the API's upper bound
        (12.345, False),  # the API takes cents, not fractions of them
        (-1, False),
        (float("inf"), False),
        (float("nan"), False),
        (True, False),
        ({"amount": 1}, False),
    ],
)
def test_ingest_holds_the_apis_bounds_on_estimated_value(raw: Any, accepted: bool) -> None:
    for sent in (raw, str(raw)) if isinstance(raw, int | float) and not isinstance(raw, bool) else (raw,):
        try:  # producers may send the number as text; the bounds are the same
            lead = ingest({"estimated_value": sent})
        except InboundRejected as rejected:
            assert not accepted and rejected.field == "estimated_value"
        else:
            assert accepted and lead.estimated_value == Decimal(str(raw))
    try:
        AcceptRequest.model_validate(ACCEPT_BODY | {"estimated_value": raw})
        api_accepts = True
    except ValidationError:
        api_accepts = False
    assert api_accepts is accepted  # one rule: what the API refuses never arrives by the bus


@pytest.mark.parametrize(
    ("domain", "lookalike"),
    [
        ("gmail.com", False),
        ("gm\u0430il.com", True),  # Cyrillic а between Latin letters
        ("xn--gmil-63d.com", True),  # the same, as punycode
        ("b\u00fccher.de", False),  # Latin with a diacritic
        ("\u043f\u0440\u0438\u043c\u0435\u0440.\u0440\u0444", False),  # Cyrillic only
        ("\u4f8b\u3048\u30c6\u30b9\u30c8.jp", False),  # Han + Hiragana + Katakana: Japanese
        ("p\u0430ypal.com", True),
    ],
)
def test_mixed_script_domains_are_look_alikes(domain: str, lookalike: bool) -> None:
    assert (lookalike_domain(domain) is not None) is lookalike


def test_a_look_alike_email_domain_is_flagged_and_lowers_the_quality() -> None:
    verdict = ContactValidator().validate("ada@gm\u0430il.com", "+12065550100", "US")
    assert verdict.email_lookalike and "Cyrillic" in verdict.email_lookalike
    quality, reasons = assess_quality(
        Customer(first_name="Ada", company="Contoso"),
        verdict.email_validity,
        PhoneValidity.VALID,
        email_lookalike=verdict.email_lookalike,
    )
    assert quality is LeadQuality.LOW
    assert verdict.email_lookalike in reasons and reasons[-1].startswith("low:")
    plain = ContactValidator().validate("ada@gmail.com", None, None)
    assert plain.email_lookalike is None and plain.email_validity is EmailValidity.VALID


@pytest.mark.parametrize(
    "partner",
    [None, "", "None", "null", "true", "False", "[p-a p-b]", "p#T#marketplace", 7, True, ["p-a"]],
)
def test_a_claim_that_is_not_a_partner_id_is_unauthenticated(partner: Any) -> None:
    claims = {"custom:partner_id": partner, "cognito:groups": "[viewer]", "sub": "u1"}
    with pytest.raises(Unauthenticated, match="sign in again"):
        caller_from_claims(claims)
    assert caller_from_claims(claims | {"custom:partner_id": "p-contoso"}).partner_id == "p-contoso"


def test_the_local_authorizer_renders_claims_as_api_gateway_does_and_refuses_non_string_tenants() -> None:
    rendered = tokens.as_authorizer_claims({"a": None, "b": True, "c": ["x", "y"], "d": {"k": 1}, "e": 3})
    assert rendered == {"b": "true", "c": "[x y]", "d": '{"k":1}', "e": "3"}
    for bad in (None, True, ["p-a"], 12):
        claims = {"custom:partner_id": bad, "cognito:groups": ["viewer"]}
        forged = _signed(claims)
        if bad is None:
            assert "custom:partner_id" not in tokens.as_authorizer_claims(tokens.verify(forged))
        else:
            with pytest.raises(tokens.InvalidToken):
                tokens.verify(forged)


def _signed(claims: dict[str, Any]) -> str:
    import time

    import jwt

    now = int(time.time())
    body = {"iss": tokens.ISSUER, "aud": tokens.AUDIENCE, "exp": now + 60, "iat": now, "sub": "u"} | claims
    return jwt.encode(body, tokens.secret(), algorithm="HS256")


def test_edit_and_evaluate_documents_say_what_their_validators_refuse() -> None:
    schema = EditRequest.model_json_schema()
    required = [alternative["required"][0] for alternative in schema["anyOf"]]
    assert set(required) == set(EditRequest.model_fields)  # every field alone is enough
    with pytest.raises(ValidationError, match="nothing to change"):
        EditRequest.model_validate({"team_add": []})


@pytest.mark.parametrize("partner", ["p#T#marketplace", "None", "[p-a p-b]", "p contoso"])
def test_ingest_refuses_a_tenant_no_token_could_name(partner: str) -> None:
    with pytest.raises(InboundRejected) as rejected:
        ingest({"partner_id": partner})
    assert rejected.value.field == "partner_id"


def test_a_request_body_is_parsed_once() -> None:
    """The JSON-only check parses the body before routing; the framework's validation takes that
    document instead of parsing the text again."""
    import json
    from unittest import mock

    from leaddesk.api.resolver import build_resolver, new_router

    router = new_router()

    @router.post("/echo")
    def echo() -> dict[str, object]:
        body: dict[str, object] = router.current_event.json_body
        return body

    app = build_resolver(router)
    event = {
        "version": "2.0",
        "routeKey": "POST /echo",
        "rawPath": "/echo",
        "headers": {"content-type": "application/json"},
        "requestContext": {"http": {"method": "POST", "path": "/echo"}, "stage": "$default"},
        "body": '{"deal_name": "Contoso ERP"}',
        "isBase64Encoded": False,
    }
    with mock.patch("leaddesk.api.resolver.json.loads", wraps=json.loads) as loads:
        answer = app.resolve(event, None)
    assert json.loads(answer["body"]) == {"deal_name": "Contoso ERP"}
    assert loads.call_count == 1
