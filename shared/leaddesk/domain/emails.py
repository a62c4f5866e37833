"""The emails LeadDesk sends, rendered from templates in the partner's language.

Jinja2 renders a plain-text and an HTML part of each email from `leaddesk/email_templates/`
(HTML autoescaped, so a company named `<script>` stays text); the subject comes from the
macros of `subjects.txt`. Messages are gettext catalogs (`leaddesk/locale/<lang>/LC_MESSAGES/
messages.po`), read by Babel when a language is first used: English is the source language, and
a message a catalog lacks falls back to it. Dates are formatted by Babel in the language too.
Pure: links are built from the workspace URL passed in, and nothing reads a clock.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from pydantic import BaseModel

from leaddesk.domain.models import CallToAction, Flame, Lead, LeadQuality, LeadType
from leaddesk.domain.notices import NoticeKind, customer_language
from leaddesk.domain.notify_settings import Language, NotificationSettings

PACKAGE = Path(__file__).resolve().parents[1]
TEMPLATES = PACKAGE / "email_templates"
LOCALES = PACKAGE / "locale"
DIGEST_MAX_LISTED = 200  # a digest lists this many leads, then links to the rest


@dataclass(frozen=True)
class Email:
    kind: NoticeKind
    subject: str
    text: str
    html: str
    urgent: bool = False


class LeadFacts(BaseModel):
    """What an email may show of a lead, kept with a digest entry until the digest is sent."""

    lead_id: str
    company: str | None = None
    lead_type: LeadType
    call_to_action: CallToAction | None = None
    quality: LeadQuality
    country: str | None = None
    flame: Flame = Flame.NONE
    offer: str | None = None
    created_at: datetime

    @classmethod
    def of(cls, lead: Lead) -> LeadFacts:
        return cls(
            lead_id=lead.lead_id,
            company=lead.customer.company,
            lead_type=lead.lead_type,
            call_to_action=lead.call_to_action,
            quality=lead.lead_quality,
            country=lead.customer.country,
            flame=lead.flame,
            offer=lead.offer.title if lead.offer else None,
            created_at=lead.created_at,
        )


@dataclass(frozen=True)
class LeadCard:
    """What an email shows of a lead (never more of the customer than the partner may see)."""

    lead_id: str
    company: str | None
    lead_type: str
    call_to_action: str | None
    quality: str
    country: str | None
    flame: str
    offer: str | None
    received: str  # formatted in the email's language
    link: str

    @property
    def urgent(self) -> bool:
        return self.flame != Flame.NONE.value


@dataclass(frozen=True)
class ReminderCard(LeadCard):
    """A lead in an expiring-soon reminder: with when it expires."""

    expires: str = ""  # formatted in the email's language


def catalog_path(language: Language) -> Path:
    return LOCALES / language.value / "LC_MESSAGES" / "messages.po"


@cache
def translations(language: Language) -> NullTranslations:
    """The language's catalog, compiled in memory from its .po file on first use."""
    if language is Language.ENGLISH:
        return NullTranslations()
    with catalog_path(language).open("rb") as po:
        catalog = read_po(po, locale=language.value)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(fp=compiled)


@cache
def environment(language: Language) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,  # a missing value is a bug, not an empty string in an email
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    return env


class EmailRenderer:
    def __init__(self, workspace_url: str, lead_expiry_days: int) -> None:
        self._workspace = workspace_url.rstrip("/")
        self._expiry_days = lead_expiry_days

    def lead_link(self, lead_id: str) -> str:
        return f"{self._workspace}/leads/{lead_id}"

    def card(self, lead: Lead | LeadFacts, language: Language) -> LeadCard:
        facts = lead if isinstance(lead, LeadFacts) else LeadFacts.of(lead)
        return LeadCard(
            lead_id=facts.lead_id,
            company=facts.company,
            lead_type=facts.lead_type.value,
            call_to_action=facts.call_to_action.value if facts.call_to_action else None,
            quality=facts.quality.value,
            country=facts.country,
            flame=facts.flame.value,
            offer=facts.offer,
            received=self.moment(facts.created_at, language),
            link=self.lead_link(facts.lead_id),
        )

    @staticmethod
    def moment(at: datetime, language: Language) -> str:
        return format_datetime(at.astimezone(UTC), "medium", tzinfo=UTC, locale=language.value) + " UTC"

    def new_lead(self, lead: Lead, language: Language) -> Email:
        card = self.card(lead, language)
        return self.render(NoticeKind.NEW_LEAD, language, card.urgent, lead=card, days=self._expiry_days)

    def expiring_soon(self, leads: list[tuple[Lead, datetime]], language: Language) -> Email:
        """One reminder listing every lead (with when it expires) of one sweep for one recipient."""
        cards = [
            ReminderCard(**vars(self.card(lead, language)), expires=self.moment(expires_at, language))
            for lead, expires_at in leads
        ]
        urgent = any(card.urgent for card in cards)
        return self.render(NoticeKind.EXPIRING_SOON, language, urgent, leads=cards)

    def declined_for(self, lead: Lead, settings: NotificationSettings) -> Email:
        """The decline email to `lead`'s customer: what the notifier sends. Of the lead only its
        country counts (for the language); of the settings only the display name."""
        return self.declined(settings.display_name, customer_language(lead))

    def declined(self, partner: str | None, language: Language) -> Email:
        """To the customer, in their language: names the partner by its display name (`None`: "the
        partner you contacted") and carries nothing the lead's event supplied."""
        return self.render(NoticeKind.DECLINED, language, False, partner=partner)

    def expired(self, lead: Lead, language: Language) -> Email:
        card = self.card(lead, language)
        return self.render(NoticeKind.EXPIRED, language, False, lead=card, days=self._expiry_days)

    def export_ready(self, export_id: str, row_count: int | None, language: Language) -> Email:
        link = f"{self._workspace}/exports/{export_id}"
        return self.render(NoticeKind.EXPORT_READY, language, False, rows=row_count, link=link)

    def export_failed(self, export_id: str, reason: str | None, language: Language) -> Email:
        link = f"{self._workspace}/exports/{export_id}"
        return self.render(NoticeKind.EXPORT_FAILED, language, False, reason=reason, link=link)

    def webhook_disabled(self, url: str, failing_since: datetime, language: Language) -> Email:
        link = f"{self._workspace}/integrations"
        since = self.moment(failing_since, language)
        return self.render(NoticeKind.WEBHOOK_DISABLED, language, False, url=url, since=since, link=link)

    def digest(self, day: date, cards: list[LeadCard], total: int, language: Language) -> Email:
        """`cards`: the leads listed (at most DIGEST_MAX_LISTED); `total`: the day's collected leads."""
        return self.render(
            NoticeKind.DIGEST,
            language,
            False,
            day=format_date(day, "long", locale=language.value),
            leads=cards,
            total=total,
            more=max(total - len(cards), 0),
            first=10,
            link=f"{self._workspace}/",
        )

    def render(self, kind: NoticeKind, language: Language, urgent: bool, **context: Any) -> Email:
        env = environment(language)
        context |= {"urgent": urgent}
        subject_macro = getattr(env.get_template("subjects.txt").module, kind.value)
        subject = " ".join(str(subject_macro(context)).split())
        text = env.get_template(f"{kind.value}.txt").render(context)
        html = env.get_template(f"{kind.value}.html").render(context | {"subject": subject})
        return Email(kind=kind, subject=subject, text=text, html=html, urgent=urgent)
