"""What the notifier is asked to do, and who receives it (docs/product.md#notifications).

Pure: an event on the bus becomes a `Notice`; `recipients` decides who is emailed from the lead,
the partner's settings and the notice alone. The volume rule's numbers live here too.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from pydantic import ValidationError

from leaddesk.domain.contact import well_formed_email
from leaddesk.domain.contract import (
    Envelope,
    ExportCompleted,
    ExportFailed,
    LeadAccepted,
    LeadArchived,
    LeadConverted,
    LeadDeclined,
    LeadDetail,
    LeadExpired,
    LeadExpiringSoon,
    LeadLost,
    LeadReceived,
    LeadsExpiringSoon,
    LeadWon,
    WebhookDisabled,
    parse_detail,
)
from leaddesk.domain.deliveries import address_tag as address_tag  # noqa: PLC0414 -- re-exported
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
from leaddesk.domain.problems import first_problem

DAILY_INDIVIDUAL_EMAILS = 10  # a partner's first 10 new leads of a UTC day are emailed one by one


class NoticeKind(StrEnum):
    NEW_LEAD = "new_lead"
    EXPIRING_SOON = "expiring_soon"
    DECLINED = "declined"  # to the customer: choose another partner
    EXPIRED = "expired"  # to the referrer: nobody answered
    EXPORT_READY = "export_ready"
    EXPORT_FAILED = "export_failed"
    DIGEST = "digest"
    ANSWERED = "answered"  # accepted or closed: no email; the lead's items are resolved
    REMINDERS = "reminders"  # a sweep run's expiring-soon leads of a partner: one email per recipient
    WEBHOOK_DISABLED = "webhook_disabled"  # to the referral admins: their CRM endpoint was disabled


EVENT_KINDS: dict[str, NoticeKind] = {
    LeadReceived.detail_type: NoticeKind.NEW_LEAD,
    LeadExpiringSoon.detail_type: NoticeKind.EXPIRING_SOON,
    LeadDeclined.detail_type: NoticeKind.DECLINED,
    LeadExpired.detail_type: NoticeKind.EXPIRED,
    LeadAccepted.detail_type: NoticeKind.ANSWERED,  # these resolve the lead's action-center items
    LeadWon.detail_type: NoticeKind.ANSWERED,
    LeadLost.detail_type: NoticeKind.ANSWERED,
    LeadConverted.detail_type: NoticeKind.ANSWERED,
    LeadArchived.detail_type: NoticeKind.ANSWERED,  # closed as error (or an informational lead aged out)
    LeadsExpiringSoon.detail_type: NoticeKind.REMINDERS,
    ExportCompleted.detail_type: NoticeKind.EXPORT_READY,
    ExportFailed.detail_type: NoticeKind.EXPORT_FAILED,
    WebhookDisabled.detail_type: NoticeKind.WEBHOOK_DISABLED,
}
# Kinds with an email of their own (a run's reminders are expiring-soon emails; an answer sends none).
EMAIL_KINDS = frozenset(NoticeKind) - {NoticeKind.ANSWERED, NoticeKind.REMINDERS}


class NoticeRejected(ValueError):
    """An event the notifier can never handle (it goes to the dead-letter queue with the reason)."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


@dataclass(frozen=True)
class Notice:
    """One event to notify about: a lead's (`lead_id`), an export's (`export`), or a sweep
    run's reminders (`lead_ids`)."""

    kind: NoticeKind
    partner_id: str
    subject_id: str  # the lead id, the export id, or the sweep run's time
    export: ExportCompleted | ExportFailed | None = None
    lead_ids: tuple[str, ...] = ()
    endpoint: WebhookDisabled | None = None

    @property
    def about_a_lead(self) -> bool:
        return self.export is None and self.endpoint is None and self.kind is not NoticeKind.REMINDERS

    @property
    def key(self) -> str:
        """What makes a redelivery of the same event the same notice (events are at least once).
        A run's reminders are told apart by their leads too: a run retried at the same time
        reminds of other leads (each lead is reminded once)."""
        if self.kind is NoticeKind.REMINDERS:
            leads = hashlib.sha256("\n".join(sorted(self.lead_ids)).encode()).hexdigest()[:12]
            return f"{self.kind.value}#{self.subject_id}#{leads}"
        return f"{self.kind.value}#{self.subject_id}"


def parse_notice(body: str) -> Notice:
    """The notice an SQS message (a LeadDesk event in its envelope) asks for; NoticeRejected if none."""
    try:
        envelope = Envelope.model_validate_json(body)
    except ValidationError as error:
        raise NoticeRejected(*first_problem(error)) from error
    kind = EVENT_KINDS.get(envelope.detail_type)
    if kind is None:
        raise NoticeRejected("detail-type", f"{envelope.detail_type!r} is not an event the notifier handles")
    try:
        detail = parse_detail(envelope.detail_type, envelope.detail)
    except ValidationError as error:
        where, reason = first_problem(error, default="")
        raise NoticeRejected(f"detail.{where}" if where else "detail", reason) from error
    if isinstance(detail, ExportCompleted | ExportFailed):
        return Notice(kind, detail.partner_id, detail.export_id, detail)
    if isinstance(detail, WebhookDisabled):  # once per endpoint and failure period
        stamp = detail.failing_since.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        return Notice(kind, detail.partner_id, f"{detail.endpoint_id}#{stamp}", endpoint=detail)
    if isinstance(detail, LeadsExpiringSoon):
        stamp = detail.run_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        return Notice(kind, detail.partner_id, stamp, lead_ids=tuple(dict.fromkeys(detail.lead_ids)))
    assert isinstance(detail, LeadDetail), "every other event the notifier handles is a lead's"
    return Notice(kind, detail.partner_id, detail.lead_id)


# --- who receives what ----------------------------------------------------------------------------
class Why(StrEnum):
    """Why an address receives a notice (recorded with each delivery)."""

    PREFERRED_EMAIL = "preferred_email"
    REFERRAL_ADMIN = "referral_admin"  # named in the settings
    REFERRALS_ADMIN_USER = "referrals_admin_user"  # a user of the partner's referrals_admin group
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


def referral_admins(settings: NotificationSettings, people: Sequence[str] = ()) -> list[Recipient]:
    """ "The partner's referral admins": the addresses the settings name, else the partner's users
    in the identity provider's `referrals_admin` group (`people`)."""
    if settings.referral_admin_emails:
        return [Recipient(address, Why.REFERRAL_ADMIN) for address in settings.referral_admin_emails]
    return [Recipient(address, Why.REFERRALS_ADMIN_USER) for address in people]


def lead_recipients(
    lead: Lead, settings: NotificationSettings, people: Sequence[str] = ()
) -> list[Recipient]:
    """Who receives a new-lead (or expiring-soon) email of this lead, by the table of the rules;
    `people` are the partner's referrals_admin users (the fallback when the settings name none)."""
    admins = referral_admins(settings, people)
    if lead.lead_type in PREFERRED_OVERRIDES and settings.preferred_email:
        return [Recipient(settings.preferred_email, Why.PREFERRED_EMAIL)]
    if lead.lead_type is LeadType.PROFILE:
        location = settings.locations.get(lead.customer.country or "")
        return [Recipient(location, Why.LOCATION_CONTACT)] if location else admins
    if lead.lead_type in SELLER_CONTACT_TYPES:
        contact = well_formed_email(lead.assigned_contact.email if lead.assigned_contact else None)
        return [Recipient(contact, Why.ASSIGNED_CONTACT)] if contact else admins
    return admins  # offer, joint planning


def recipients(
    notice: Notice, lead: Lead | None, settings: NotificationSettings, people: Sequence[str] = ()
) -> list[Recipient]:
    """Everyone `notice` emails (each address once). Test and informational leads email nobody."""
    if notice.export is not None:
        requester = well_formed_email(notice.export.requester_email)
        return [Recipient(requester, Why.REQUESTER)] if requester else []
    if notice.endpoint is not None:
        return _once_each(referral_admins(settings, people))
    if lead is None or lead.is_test:
        return []
    found: list[Recipient] = []
    if notice.kind is NoticeKind.NEW_LEAD:  # expiring soon: the run's reminders email (`reminded`)
        found = lead_recipients(lead, settings, people) if has_action_item(notice, lead) else []
    elif notice.kind is NoticeKind.DECLINED and customer_reachable(lead):
        found = [Recipient(str(well_formed_email(lead.customer.email)), Why.CUSTOMER)]
    elif notice.kind is NoticeKind.EXPIRED:
        referrer = well_formed_email(lead.referrer.email if lead.referrer else None)
        found = [Recipient(referrer, Why.REFERRER)] if referrer else []
    return _once_each(found)


def unreached_lead_types(settings: NotificationSettings, people: Sequence[str] = ()) -> list[LeadType]:
    """The lead types some of whose new leads would reach nobody with these settings and people:
    every type when there is no referral admin at all, save where the preferred email stands in
    (offer, profile, joint planning); a profile lead from a country without a location, and a
    qualified lead without the seller's contact, fall back to the referral admins."""
    if referral_admins(settings, people):
        return []
    if settings.preferred_email:
        return [t for t in LeadType if t not in PREFERRED_OVERRIDES]
    return list(LeadType)


def reminded(
    leads: Sequence[Lead], settings: NotificationSettings, people: Sequence[str] = ()
) -> dict[str, tuple[Recipient, list[Lead]]]:
    """Who one sweep run's reminder emails, and of which leads: each lead still waiting for an
    answer goes to its new-lead recipients; an address gets one email listing all of its leads."""
    found: dict[str, tuple[Recipient, list[Lead]]] = {}
    for lead in leads:
        if not (actionable(lead) and lead.status is LeadStatus.RECEIVED):
            continue
        for recipient in _once_each(lead_recipients(lead, settings, people)):
            found.setdefault(recipient.address.lower(), (recipient, []))[1].append(lead)
    return found


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
    if notice.export is not None or notice.endpoint is not None:
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
