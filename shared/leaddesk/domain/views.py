"""What the API shows: a lead as the web workspace needs it, pages, and the per-tab counts.

The representation is its own model, not the stored lead: storage internals (the producer's
event id, ingest flags, verbatim producer strings, the version counter) stay inside, and an
expired lead no longer shows the customer's contact details.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from leaddesk.domain.deliveries import LeadMail
from leaddesk.domain.lifecycle import ALLOWED_FROM, Action, missing_steps
from leaddesk.domain.models import (
    CallToAction,
    Closure,
    Customer,
    EmailValidity,
    Evaluation,
    Flame,
    HistoryEntry,
    Lead,
    LeadQuality,
    LeadSourceKind,
    LeadStatus,
    LeadType,
    Money,
    Offer,
    Outcome,
    Person,
    PhoneValidity,
    Qualification,
    Referrer,
    Tab,
    TeamMember,
    Touchpoints,
)
from leaddesk.domain.timed_rules import expires_at


class EmailOutcome(StrEnum):
    SENT = "sent"
    FAILED = "failed"  # the address refused it for good
    UNCONFIRMED = "unconfirmed"  # the send was interrupted: it may not have arrived (never resent)
    SUPPRESSED = "suppressed"  # not sent: the address bounced for good or complained earlier


class LeadEmail(BaseModel):
    """An email LeadDesk sent (or did not) about the lead: part of its history."""

    kind: str = Field(
        description="new_lead, expiring_soon, declined (to the customer), expired (to the referrer)"
    )
    recipients: list[str]
    at: datetime = Field(description="When its outcome was known (UTC)")
    outcome: EmailOutcome
    reason: str | None = Field(default=None, description="failed: what the mail service said")


def lead_emails(mails: Iterable[LeadMail]) -> list[LeadEmail]:
    """A lead's emails, oldest first: one entry per kind and outcome, with its recipients."""
    grouped: dict[tuple[str, str], LeadEmail] = {}
    for mail in sorted(mails, key=lambda m: (m.at, m.address)):
        key = (mail.kind, mail.state.value)
        if key in grouped:
            grouped[key].recipients.append(mail.address)
            continue
        grouped[key] = LeadEmail(
            kind=mail.kind,
            recipients=[mail.address],
            at=mail.at,
            outcome=EmailOutcome(mail.state.value),
            reason=mail.reason,
        )
    return sorted(grouped.values(), key=lambda e: e.at)


class LeadView(BaseModel):
    """A lead as the API returns it."""

    lead_id: str
    lead_type: LeadType
    tab: Tab = Field(description="The lead's home tab (favorites is a view across both)")
    status: LeadStatus
    outcome: Outcome | None = None
    created_at: datetime = Field(description="When LeadDesk received the lead (UTC)")
    occurred_at: datetime | None = Field(default=None, description="When the producer says it happened")
    updated_at: datetime
    expires_at: datetime | None = Field(
        default=None, description="Received leads: when the lead expires without a response"
    )
    lead_source: LeadSourceKind | None = None
    call_to_action: CallToAction | None = None
    offer: Offer | None = None
    customer: Customer = Field(description="Contact details are empty once the lead expired")
    description: str | None = Field(default=None, description="The customer's message or need")
    notes: str | None = Field(default=None, description="The operator's notes (qualified leads)")
    contact_requested: bool
    flame: Flame
    do_not_contact: bool
    is_test: bool
    email_validity: EmailValidity
    phone_validity: PhoneValidity
    lead_quality: LeadQuality
    quality_reasons: list[str]
    assigned_contact: Person | None = None
    referrer: Referrer | None = None
    estimated_value: Money | None = None
    currency: str | None = None
    campaign_id: str | None = None
    favorite: bool
    touchpoints: Touchpoints | None = None
    deal_name: str | None = None
    estimated_close_date: date | None = None
    deal_notes: str | None = None
    crm_id: str | None = None
    team: list[TeamMember]
    qualification: Qualification | None = None
    evaluation: Evaluation | None = None
    opportunity_id: str | None = None
    closure: Closure | None = None
    expiry_reminded_at: datetime | None = None
    history: list[HistoryEntry]
    emails: list[LeadEmail] = Field(
        default_factory=list,
        description=(
            "The history's emails: who LeadDesk emailed about the lead, when, and how it went "
            "(GET /leads/{lead_id} only; kept beside the lead, so they never change its etag)"
        ),
    )
    actions: list[Action] = Field(
        description="The people's actions the lead's state allows (the caller's role may allow fewer)"
    )
    missing_steps: list[str] = Field(
        description="Accepted leads: what won and convert still need (qualify, customer_responded, evaluate)"
    )
    etag: str = Field(description="Send as If-Match with an edit")


class LeadPage(BaseModel):
    items: list[LeadView]
    next_cursor: str | None = Field(default=None, description="Pass as `cursor` for the next page")


class TabCounts(BaseModel):
    total: int
    by_status: dict[LeadStatus, int]


class Summary(BaseModel):
    tabs: dict[Tab, TabCounts]


_INTERNAL = {"partner_id", "event_id", "raw_lead_source", "raw_action_code", "ingest_flags", "version"}


def visible_customer(lead: Lead) -> Customer:
    """Expired leads no longer show the customer's contact details (in the API and in exports)."""
    if lead.outcome is Outcome.EXPIRED:
        return Customer(country=lead.customer.country, company=lead.customer.company)
    return lead.customer


def present(lead: Lead, expiry_days: int, mails: Iterable[LeadMail] = ()) -> LeadView:
    data = lead.model_dump(exclude=_INTERNAL)
    data["emails"] = lead_emails(mails)
    data["customer"] = visible_customer(lead)
    data["expires_at"] = expires_at(lead, expiry_days) if lead.status is LeadStatus.RECEIVED else None
    data["actions"] = [action for action, allowed in ALLOWED_FROM.items() if lead.status in allowed]
    data["missing_steps"] = missing_steps(lead) if lead.status is LeadStatus.ACCEPTED else []
    return LeadView.model_validate(data)
