"""The decline email to a customer: nothing from the lead's event, the partner's display name, the
customer's language, and never when the customer must not (or cannot) be emailed."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from leaddesk.adapters.mailer import compose
from leaddesk.domain.emails import EmailRenderer
from leaddesk.domain.models import (
    CloseReason,
    Closure,
    Customer,
    EmailValidity,
    Lead,
    LeadStatus,
    Offer,
    Outcome,
)
from leaddesk.domain.notices import (
    Notice,
    NoticeKind,
    Why,
    customer_language,
    customer_reachable,
    recipients,
    trace_headers,
)
from leaddesk.domain.notify_settings import Language, NotificationSettings, SettingsUpdate
from tests.helpers.leads import make_lead

RENDERER = EmailRenderer("https://leads.example.com/app", 14)
SETTINGS = NotificationSettings(display_name="Contoso Consulting", language=Language.ENGLISH)
SENT_AT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
# Whatever a producer may put in a lead: any text, links and markup included.
supplied = st.one_of(
    st.none(),
    st.text(min_size=1, max_size=60),
    st.sampled_from(["Win a prize at http://evil.example/x", "<a href='http://x'>click</a>", "Ada"]),
)
countries = st.sampled_from(["IT", "FR", "BE", "NL", "HU", "TR", "US", "DE", None])


def declined_lead(**fields: Any) -> Lead:
    fields.setdefault("status", LeadStatus.ARCHIVED)
    fields.setdefault("outcome", Outcome.DECLINED)
    return make_lead(**fields)


@settings(max_examples=150, deadline=None)
@given(
    first=supplied,
    last=supplied,
    company=supplied,
    title=supplied,
    description=supplied,
    offer=supplied,
    country=countries,
)
def test_the_customer_email_carries_nothing_the_event_supplied(
    first: str | None,
    last: str | None,
    company: str | None,
    title: str | None,
    description: str | None,
    offer: str | None,
    country: str | None,
) -> None:
    """Whatever the event put in the lead, the email is the one a lead with none of it gets."""
    customer = Customer(
        first_name=first,
        last_name=last,
        company=company,
        title=title,
        email="ada@contoso.com",
        country=country,
    )
    lead = declined_lead(
        customer=customer,
        description=description,
        offer=Offer(title=offer) if offer else None,
    )
    bare = declined_lead(customer=Customer(email="ada@contoso.com", country=country))
    mail, baseline = RENDERER.declined_for(lead, SETTINGS), RENDERER.declined_for(bare, SETTINGS)
    assert (mail.subject, mail.text, mail.html) == (baseline.subject, baseline.text, baseline.html)
    assert "Contoso Consulting" in mail.text and "Contoso Consulting" in mail.html


def test_without_a_display_name_the_email_names_no_one() -> None:
    lead = declined_lead(company="Evil Corp")
    mail = RENDERER.declined_for(lead, NotificationSettings())
    assert "The partner you contacted is not able to take up your request." in mail.text
    assert "on behalf of the partner you contacted" in mail.text
    assert mail.text.startswith("Hello,\n")


@pytest.mark.parametrize(
    ("country", "language", "words"),
    [
        ("IT", Language.ITALIAN, "Contoso Consulting non è in grado"),
        ("FR", Language.FRENCH, "Contoso Consulting n'est pas en mesure"),
        ("BE", Language.FRENCH, "Contoso Consulting n'est pas en mesure"),
        ("NL", Language.DUTCH, "Contoso Consulting kan uw aanvraag niet"),
        ("HU", Language.HUNGARIAN, "A(z) Contoso Consulting nem tudja"),
        ("TR", Language.TURKISH, "Contoso Consulting talebinizi karşılayamıyor"),
        ("DE", Language.ENGLISH, "Contoso Consulting is not able"),
        (None, Language.ENGLISH, "Contoso Consulting is not able"),
    ],
)
def test_the_customer_reads_the_language_of_their_country(
    country: str | None, language: Language, words: str
) -> None:
    lead = declined_lead(country=country)
    assert customer_language(lead) is language
    french_partner = SETTINGS.model_copy(update={"language": Language.FRENCH})  # the partner's is not theirs
    assert words in RENDERER.declined_for(lead, french_partner).text


DECLINE = Notice(NoticeKind.DECLINED, "p-contoso", "lead-1")


@pytest.mark.parametrize(
    "fields",
    [
        {"closure": Closure(reason=CloseReason.ABUSE_SPAM_OR_PHISHING)},
        {"is_test": True},
        {"do_not_contact": True},
        {"email_validity": EmailValidity.INVALID},
        {"email_validity": EmailValidity.SPAM},
        {"customer": Customer(email="not an address")},
        {"customer": Customer()},
    ],
    ids=[
        "spam-or-phishing",
        "test-lead",
        "do-not-contact",
        "invalid",
        "spam-address",
        "malformed",
        "missing",
    ],
)
def test_no_decline_email_when_the_customer_must_not_or_cannot_be_emailed(fields: dict[str, Any]) -> None:
    lead = declined_lead(**fields)
    assert not customer_reachable(lead)
    assert recipients(DECLINE, lead, SETTINGS) == []


@pytest.mark.parametrize("reason", [r for r in CloseReason if r is not CloseReason.ABUSE_SPAM_OR_PHISHING])
def test_other_decline_reasons_tell_the_customer(reason: CloseReason) -> None:
    lead = declined_lead(closure=Closure(reason=reason))
    [recipient] = recipients(DECLINE, lead, SETTINGS)
    assert (recipient.address, recipient.why) == ("ada@contoso.com", Why.CUSTOMER)


def test_mail_to_a_customer_has_no_leaddesk_headers_and_partner_mail_keeps_them() -> None:
    mail = RENDERER.declined_for(declined_lead(), SETTINGS)
    to_customer = compose(
        "noreply@leaddesk.example",
        "ada@contoso.com",
        mail,
        SENT_AT,
        trace_headers(Why.CUSTOMER.value, "p", "k", "declined"),
    )
    assert b"x-leaddesk" not in to_customer.lower()
    to_admin = compose(
        "noreply@leaddesk.example",
        "ana@contoso.com",
        mail,
        SENT_AT,
        trace_headers(Why.REFERRAL_ADMIN.value, "p", "k", "new_lead"),
    )
    assert b"X-LeadDesk-Partner: p" in to_admin and b"X-LeadDesk-Notice: new_lead" in to_admin


@pytest.mark.parametrize(
    "name", ["Win at http://evil.example", "contoso.com", "ana@contoso.com", "<b>Contoso</b>", " ", "x" * 81]
)
def test_a_display_name_is_plain_text(name: str) -> None:
    with pytest.raises(ValidationError) as caught:
        SettingsUpdate(display_name=name)
    assert caught.value.errors()[0]["loc"] == ("display_name",)


def test_a_display_name_is_kept_clean() -> None:
    assert SettingsUpdate(display_name="  Contoso\u202e  Süd GmbH ").display_name == "Contoso Süd GmbH"
    assert SettingsUpdate(display_name="A.B. Consulting S.p.A.").display_name == "A.B. Consulting S.p.A."
