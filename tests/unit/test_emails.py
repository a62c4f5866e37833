"""Every email renders in every language, from complete catalogs, with HTML escaped."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from leaddesk.domain.emails import TEMPLATES, Email, EmailRenderer, catalog_path
from leaddesk.domain.models import Flame, LeadType
from leaddesk.domain.notices import EMAIL_KINDS, NoticeKind
from leaddesk.domain.notify_settings import Language
from tests.helpers.leads import make_lead

RENDERER = EmailRenderer("https://leads.example.com/app", 14)
OPTIONS = {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true"}


def every_email(language: Language) -> dict[NoticeKind, Email]:
    lead = make_lead(lead_type=LeadType.PROFILE, contact_requested=True, company="Alpine <Ski> & House")
    card = RENDERER.card(lead, language)
    return {
        NoticeKind.NEW_LEAD: RENDERER.new_lead(lead, language),
        NoticeKind.EXPIRING_SOON: RENDERER.expiring_soon(
            [(lead, datetime(2026, 11, 15, tzinfo=UTC))], language
        ),
        NoticeKind.DECLINED: RENDERER.declined(lead, language),
        NoticeKind.EXPIRED: RENDERER.expired(lead, language),
        NoticeKind.EXPORT_READY: RENDERER.export_ready("exp-1", 12, language),
        NoticeKind.EXPORT_FAILED: RENDERER.export_failed("exp-1", "the file could not be written", language),
        NoticeKind.DIGEST: RENDERER.digest(date(2026, 11, 1), [card, card], 250, language),
        NoticeKind.WEBHOOK_DISABLED: RENDERER.webhook_disabled(
            "https://crm.example.com/hooks", datetime(2026, 11, 10, tzinfo=UTC), language
        ),
    }


def message_ids() -> set[str]:
    method_map = [("**.txt", "jinja2"), ("**.html", "jinja2")]
    options = {"**.txt": OPTIONS, "**.html": OPTIONS}
    return {str(found[2]) for found in extract_from_dir(str(TEMPLATES), method_map, options)}


@pytest.mark.parametrize("language", list(Language), ids=lambda lang: lang.value)
def test_every_template_renders_in_every_language(language: Language) -> None:
    emails = every_email(language)
    assert set(emails) == EMAIL_KINDS
    english = every_email(Language.ENGLISH)
    for kind, mail in emails.items():
        assert mail.subject and mail.text.strip() and mail.html.startswith("<!DOCTYPE html>"), kind
        assert "\n" not in mail.subject
        if language is not Language.ENGLISH:
            assert mail.subject != english[kind].subject, f"{kind} subject not translated"
            assert mail.text != english[kind].text, f"{kind} text not translated"
    new_lead = emails[NoticeKind.NEW_LEAD]
    assert new_lead.urgent and "https://leads.example.com/app/leads/" in new_lead.text
    assert "Alpine &lt;Ski&gt; &amp; House" in new_lead.html and "<Ski>" not in new_lead.html
    assert "Alpine <Ski> & House" in new_lead.text  # the plain-text part is not HTML
    assert "https://leads.example.com/app/exports/exp-1" in emails[NoticeKind.EXPORT_READY].text


@pytest.mark.parametrize("language", list(Language), ids=lambda lang: lang.value)
def test_one_reminder_lists_every_lead_of_the_run_in_the_recipients_language(language: Language) -> None:
    leads = [
        (make_lead(company="Alpine Ski House"), datetime(2026, 11, 15, tzinfo=UTC)),
        (make_lead(company="Fabrikam", contact_requested=True), datetime(2026, 11, 16, tzinfo=UTC)),
    ]
    both = RENDERER.expiring_soon(leads, language)
    one = RENDERER.expiring_soon(leads[:1], language)
    english = RENDERER.expiring_soon(leads, Language.ENGLISH)
    assert "Alpine Ski House" in both.text and "Fabrikam" in both.text and "Fabrikam" in both.html
    assert both.text.count("https://leads.example.com/app/leads/") == 2 and both.urgent
    assert "2" in both.subject and "Alpine Ski House" in one.subject and "Fabrikam" not in one.text
    if language is not Language.ENGLISH:
        assert both.subject != english.subject and both.text != english.text
    else:
        assert both.subject == "[Urgent] Expiring soon: 2 leads waiting for your answer"


@pytest.mark.parametrize("language", [lang for lang in Language if lang is not Language.ENGLISH], ids=str)
def test_each_catalog_translates_exactly_the_templates_messages(language: Language) -> None:
    with catalog_path(language).open("rb") as po:
        catalog = read_po(po, locale=language.value)
    translated = {str(message.id): message.string for message in catalog if message.id}
    assert set(translated) == message_ids(), "catalog out of step with the templates"
    assert all(translated.values()), [msgid for msgid, text in translated.items() if not text]
    for msgid, text in translated.items():  # placeholders survive translation
        assert sorted(part.split(")")[0] for part in msgid.split("%(")[1:]) == sorted(
            part.split(")")[0] for part in str(text).split("%(")[1:]
        ), msgid


def test_a_digest_lists_at_most_its_bound_and_counts_the_rest() -> None:
    lead = make_lead(flame=Flame.NONE)
    mail = RENDERER.digest(
        date(2026, 11, 1), [RENDERER.card(lead, Language.ENGLISH)] * 3, 10_003, Language.ENGLISH
    )
    assert mail.subject == "Digest of November 1, 2026: 10003 more new leads"
    assert mail.text.count("/app/leads/") == 3 and "...and 10000 more" in mail.text
