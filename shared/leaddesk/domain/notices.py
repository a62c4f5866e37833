"""What the notifier is asked to do, and who receives it (docs/product.md#notifications).

Pure: an event on the bus becomes a `Notice`; `recipients` decides who is emailed from the lead,
the partner's settings and the notice alone. The volume rule's numbers live here too.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from pydantic import ValidationError

from leaddesk.domain.contact import well_formed_email
from leaddesk.domain.contract import (
    Envelope,
    ExportCompleted,
    ExportFailed,
    LeadDeclined,
    LeadDetail,
    LeadExpired,
    LeadExpiringSoon,
    LeadReceived,
    parse_detail,
)
from leaddesk.domain.models import (
    CloseReason,
    EmailValidity,
    Flame,
    Lead,
    LeadStatus,
    LeadType,
    Outcome,
)
from leaddesk.domain.notify_settings import Language, NotificationSettings

DAILY_INDIVIDUAL_EMAILS = 10  # a partner's first 10 new leads of a UTC day are emailed one by one


class NoticeKind(StrEnum):
    NEW_LEAD = "new_lead"
    EXPIRING_SOON = "expiring_soon"
    DECLINED = "declined"  # to the customer: choose another partner
    EXPIRED = "expired"  # to the referrer: nobody answered
    EXPORT_READY = "export_ready"
    EXPORT_FAILED = "export_failed"
    DIGEST = "digest"


EVENT_KINDS: dict[str, NoticeKind] = {
    LeadReceived.detail_type: NoticeKind.NEW_LEAD,
    LeadExpiringSoon.detail_type: NoticeKind.EXPIRING_SOON,
    LeadDeclined.detail_type: NoticeKind.DECLINED,
    LeadExpired.detail_type: NoticeKind.EXPIRED,
    ExportCompleted.detail_type: NoticeKind.EXPORT_READY,
    ExportFailed.detail_type: NoticeKind.EXPORT_FAILED,
}


class NoticeRejected(ValueError):
    """An event the notifier can never handle (it goes to the dead-letter queue with the reason)."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


@dataclass(frozen=True)
class Notice:
    """One event to notify about: a lead's (`lead_id`) or an export's (`export`)."""

    kind: NoticeKind
    partner_id: str
    subject_id: str  # the lead id or the export id
    export: ExportCompleted | ExportFailed | None = None

    @property
    def key(self) -> str:
        """What makes a redelivery of the same event the same notice (events are at least once)."""
        return f"{self.kind.value}#{self.subject_id}"


def parse_notice(body: str) -> Notice:
    """The notice an SQS message (a LeadDesk event in its envelope) asks for; NoticeRejected if none."""
    try:
        envelope = Envelope.model_validate_json(body)
    except ValidationError as error:
        raise NoticeRejected(_location(error), error.errors()[0]["msg"]) from error
    kind = EVENT_KINDS.get(envelope.detail_type)
    if kind is None:
        raise NoticeRejected("detail-type", f"{envelope.detail_type!r} is not an event the notifier handles")
    try:
        detail = parse_detail(envelope.detail_type, envelope.detail)
    except ValidationError as error:
        where = _location(error, default="")
        raise NoticeRejected(f"detail.{where}" if where else "detail", error.errors()[0]["msg"]) from error
    if isinstance(detail, ExportCompleted | ExportFailed):
        return Notice(kind, detail.partner_id, detail.export_id, detail)
    assert isinstance(detail, LeadDetail), "every other event the notifier handles is a lead's"
    return Notice(kind, detail.partner_id, detail.lead_id)


def _location(error: ValidationError, default: str = "body") -> str:
    return ".".join(str(part) for part in error.errors()[0]["loc"]) or default


# --- who receives what ----------------------------------------------------------------------------
class Why(StrEnum):
    """Why an address receives a notice (recorded with each delivery)."""

    PREFERRED_EMAIL = "preferred_email"
    REFERRAL_ADMIN = "referral_admin"
    LOCATION_CONTACT = "location_contact"
    ASSIGNED_CONTACT = "assigned_contact"
    CUSTOMER = "customer"
    REFERRER = "referrer"
    REQUESTER = "requester"


@dataclass(frozen=True)
class Recipient:
    address: str
    why: Why


PREFERRED_OVERRIDES = frozenset({LeadType.OFFER, LeadType.PROFILE, LeadType.JOINT_PLANNING})
SELLER_CONTACT_TYPES = frozenset(
    {LeadType.MARKETING_QUALIFIED, LeadType.SALES_QUALIFIED, LeadType.SHARED_MARKETING}
)


def actionable(lead: Lead) -> bool:
    """Whether a lead asks the partner for an answer: no email and no action item otherwise."""
    informational = lead.status is LeadStatus.INFORMATIONAL or lead.outcome is Outcome.AGED_OUT
    return not (lead.is_test or lead.do_not_contact or informational)


def lead_recipients(lead: Lead, settings: NotificationSettings) -> list[Recipient]:
    """Who receives a new-lead (or expiring-soon) email of this lead, by the table of the rules."""
    admins = [Recipient(address, Why.REFERRAL_ADMIN) for address in settings.referral_admin_emails]
    if lead.lead_type in PREFERRED_OVERRIDES and settings.preferred_email:
        return [Recipient(settings.preferred_email, Why.PREFERRED_EMAIL)]
    if lead.lead_type is LeadType.PROFILE:
        location = settings.locations.get(lead.customer.country or "")
        return [Recipient(location, Why.LOCATION_CONTACT)] if location else admins
    if lead.lead_type in SELLER_CONTACT_TYPES:
        contact = well_formed_email(lead.assigned_contact.email if lead.assigned_contact else None)
        return [Recipient(contact, Why.ASSIGNED_CONTACT)] if contact else admins
    return admins  # offer, joint planning


def recipients(notice: Notice, lead: Lead | None, settings: NotificationSettings) -> list[Recipient]:
    """Everyone `notice` emails (each address once). Test and informational leads email nobody."""
    if notice.export is not None:
        requester = well_formed_email(notice.export.requester_email)
        return [Recipient(requester, Why.REQUESTER)] if requester else []
    if lead is None or lead.is_test:
        return []
    found: list[Recipient] = []
    if notice.kind in (NoticeKind.NEW_LEAD, NoticeKind.EXPIRING_SOON):
        found = lead_recipients(lead, settings) if has_action_item(notice, lead) else []
    elif notice.kind is NoticeKind.DECLINED and customer_reachable(lead):
        found = [Recipient(str(well_formed_email(lead.customer.email)), Why.CUSTOMER)]
    elif notice.kind is NoticeKind.EXPIRED:
        referrer = well_formed_email(lead.referrer.email if lead.referrer else None)
        found = [Recipient(referrer, Why.REFERRER)] if referrer else []
    return _once_each(found)


# --- email to the customer ---------------------------------------------------------------------------
# Declines for these reasons tell the customer nothing: a spam or phishing lead's address may be a
# victim's, whoever submitted it.
SILENT_DECLINE_REASONS = frozenset({CloseReason.ABUSE_SPAM_OR_PHISHING})
CUSTOMER_LANGUAGES: dict[str, Language] = {
    "TR": Language.TURKISH,
    "HU": Language.HUNGARIAN,
    "IT": Language.ITALIAN,
    "NL": Language.DUTCH,
    "FR": Language.FRENCH,
    "BE": Language.FRENCH,
}


def customer_reachable(lead: Lead) -> bool:
    """May the customer be told the lead was declined? Never for a test lead, a spam or phishing
    decline, a do-not-contact lead, or an address that is missing, malformed, undeliverable or
    spam."""
    unusable = lead.email_validity in (EmailValidity.INVALID, EmailValidity.SPAM)
    silent = lead.closure is not None and lead.closure.reason in SILENT_DECLINE_REASONS
    if lead.is_test or silent or lead.do_not_contact or unusable:
        return False
    return well_formed_email(lead.customer.email) is not None


def customer_language(lead: Lead) -> Language:
    """The customer's language, by the lead's country (English for every other country)."""
    return CUSTOMER_LANGUAGES.get((lead.customer.country or "").upper(), Language.ENGLISH)


def trace_headers(why: str, partner_id: str, notice_key: str, kind: str) -> dict[str, str]:
    """The `X-LeadDesk-*` headers that let the partner's people (and support) trace an email;
    never on mail to a customer (`why`: the delivery's), who must not see LeadDesk's internals."""
    if why == Why.CUSTOMER.value:
        return {}
    return {"X-LeadDesk-Notice": kind, "X-LeadDesk-Partner": partner_id, "X-LeadDesk-Key": notice_key}


def _once_each(found: list[Recipient]) -> list[Recipient]:
    seen: set[str] = set()
    unique = []
    for recipient in found:
        if recipient.address.lower() not in seen:
            seen.add(recipient.address.lower())
            unique.append(recipient)
    return unique


def urgent(lead: Lead) -> bool:
    """A flame lead (the customer asked to be contacted) is marked urgent while it burns."""
    return lead.flame is not Flame.NONE


def has_action_item(notice: Notice, lead: Lead | None) -> bool:
    """New actionable leads, expiring-soon reminders and exports add an item to the action center."""
    if notice.export is not None:
        return True
    if lead is None or not actionable(lead):
        return False
    return notice.kind is NoticeKind.NEW_LEAD or (
        notice.kind is NoticeKind.EXPIRING_SOON and lead.status is LeadStatus.RECEIVED
    )


# --- the volume rule --------------------------------------------------------------------------------
def lead_day(lead: Lead) -> date:
    """The UTC day a lead counts for in the volume rule: the day LeadDesk received it."""
    return lead.created_at.astimezone(UTC).date()


def digest_day(at: datetime) -> date:
    """The day a digest run at `at` sends: the UTC day before."""
    return at.astimezone(UTC).date() - timedelta(days=1)


def address_tag(address: str) -> str:
    """A short, URL-safe stand-in for an address in ids and keys."""
    return hashlib.sha256(address.lower().encode()).hexdigest()[:12]
