"""The action center: a partner's feed of things to act on, with read and unread items.

Items are made by the notifier (docs/product.md#notifications): a recommended action for each
new actionable lead, a reminder for each lead about to expire, each export that is ready or
failed, each email LeadDesk could not deliver, and each lead type and day whose new leads
reached nobody. An item's id sorts by its time, so the feed is newest first by id; the same
event always makes the same id (a redelivery adds nothing).

An item is `open` until what it asks for is done, then `resolved` (`item_state`): a new lead's
or a reminder's once the lead is answered (accepted, declined, closed) or expires; a ready
export's once its file expires; the others — notices that ask to be seen — once read.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from leaddesk.domain.models import Flame, Lead, LeadStatus, LeadType

ID_TIME_FORMAT = "%Y%m%dT%H%M%S%fZ"


class ActionKind(StrEnum):
    NEW_LEAD = "new_lead"
    EXPIRING_SOON = "expiring_soon"
    EXPORT_READY = "export_ready"
    EXPORT_FAILED = "export_failed"
    SEND_FAILED = "send_failed"  # an address refused our email for good
    SEND_UNCONFIRMED = "send_unconfirmed"  # a send was interrupted: it may not have arrived
    ADDRESS_SUPPRESSED = "address_suppressed"  # it bounced for good or complained: no more email
    NO_RECIPIENT = "no_recipient"  # a new lead of this type notified nobody (once a type and UTC day)
    WEBHOOK_DISABLED = "webhook_disabled"  # a CRM endpoint failed for 5 days and was disabled


class ItemState(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


RESOLVED_BY_LEAD = frozenset({ActionKind.NEW_LEAD, ActionKind.EXPIRING_SOON})  # answered, closed, expired
RESOLVED_BY_EXPIRY = frozenset({ActionKind.EXPORT_READY})  # its file is deleted
RESOLVED_BY_READING = frozenset(
    {
        ActionKind.EXPORT_FAILED,
        ActionKind.SEND_FAILED,
        ActionKind.SEND_UNCONFIRMED,
        ActionKind.NO_RECIPIENT,
        ActionKind.ADDRESS_SUPPRESSED,
        ActionKind.WEBHOOK_DISABLED,
    }
)


class ActionItem(BaseModel):
    """One item of the feed, as the API answers it."""

    notification_id: str = Field(description="Pass to POST /notifications/{notification_id}/read")
    kind: ActionKind
    at: datetime = Field(description="When it happened (UTC); the feed is newest first")
    message: str = Field(description="What happened and what to do, in English")
    read: bool = False
    lead_id: str | None = None
    export_id: str | None = None
    company: str | None = Field(default=None, description="The lead's customer company")
    lead_type: LeadType | None = None
    flame: Flame | None = None
    recipient: str | None = Field(
        default=None, description="send_failed / send_unconfirmed / address_suppressed: the address"
    )
    reason: str | None = Field(default=None, description="Why a send or an export failed")
    endpoint_id: str | None = Field(default=None, description="webhook_disabled: the CRM endpoint")
    row_count: int | None = Field(default=None, description="export_ready: rows in the file")
    expires_at: datetime | None = Field(
        default=None, description="export_ready: when the file is deleted (the item is resolved then)"
    )
    state: ItemState = Field(
        default=ItemState.OPEN,
        description=(
            "open until what the item asks for is done, then resolved: a lead's items once the lead "
            "is answered, closed or expired; a ready export's once its file expires; others once read"
        ),
    )
    resolved_at: datetime | None = Field(default=None, description="When a lead's item was resolved")


def item_state(item: ActionItem, read: bool, resolved: bool, now: datetime) -> ItemState:
    """The one rule of an item's state: `resolved` is what the store recorded (a lead's item
    whose lead was answered); the rest follows from the item, whether it was read, and now."""
    if resolved:
        return ItemState.RESOLVED
    if item.kind in RESOLVED_BY_READING and read:
        return ItemState.RESOLVED
    if item.kind in RESOLVED_BY_EXPIRY and item.expires_at is not None and item.expires_at <= now:
        return ItemState.RESOLVED
    return ItemState.OPEN


class NotificationNotFound(Exception):
    """No such item in the partner's action center (another partner's id looks the same: 404)."""

    def __init__(self, notification_id: str) -> None:
        super().__init__(f"no notification {notification_id}")


class NotificationQuery(BaseModel):
    """`GET /notifications`: a page of the feed, newest first."""

    model_config = ConfigDict(extra="forbid")

    state: Literal["open", "resolved", "all"] = Field(
        default="all", description="Only open items, only resolved ones, or all (default)"
    )

    limit: int = Field(default=25, ge=1, le=100, description="Items per page (1-100)")
    cursor: str | None = Field(
        default=None, max_length=2000, description="`next_cursor` of the previous page"
    )


class NotificationPage(BaseModel):
    items: list[ActionItem]
    unread: int = Field(description="Unread items of the whole feed")
    open: int = Field(description="Open items of the whole feed (what still asks for something)")
    next_cursor: str | None = Field(default=None, description="Pass as `cursor` for the next page")


class ReadAll(BaseModel):
    unread: int = Field(description="Unread items left (0)")


def notification_id(at: datetime, kind: ActionKind, subject: str) -> str:
    """Time-sortable and URL-safe: `<UTC time>.<kind>.<subject id>`."""
    return f"{at.astimezone(UTC).strftime(ID_TIME_FORMAT)}.{kind.value}.{subject}"


def time_of(identifier: str) -> str:
    """The sortable time part of an id (what the read-through watermark compares)."""
    return identifier.split(".", 1)[0]


def lead_item_at(kind: ActionKind, lead: Lead) -> datetime | None:
    """When a lead's item of `kind` happened — its id's time, so its id follows from the lead:
    a new lead's when it was received, a reminder's when the sweep reminded."""
    if kind is ActionKind.NEW_LEAD:
        return lead.created_at
    return lead.expiry_reminded_at


def lead_item_ids(lead: Lead) -> list[str]:
    """The ids of the lead's items (what its answer, closing or expiry resolves)."""
    found = []
    for kind in (ActionKind.NEW_LEAD, ActionKind.EXPIRING_SOON):
        at = lead_item_at(kind, lead)
        if at is not None:
            found.append(notification_id(at, kind, lead.lead_id))
    return found


def lead_item(kind: ActionKind, lead: Lead, at: datetime) -> ActionItem:
    company = lead.customer.company or "a customer"
    if kind is ActionKind.NEW_LEAD:
        message = f"New lead from {company}: review it, then accept or decline it."
        if lead.flame is Flame.HOT:
            message += " The customer asked to be contacted directly."
    else:
        message = f"The lead from {company} expires soon: accept or decline it before it does."
    answered = lead.status is not LeadStatus.RECEIVED  # answered, closed or expired meanwhile
    return ActionItem(
        notification_id=notification_id(at, kind, lead.lead_id),
        kind=kind,
        at=at,
        message=message,
        lead_id=lead.lead_id,
        company=lead.customer.company,
        lead_type=lead.lead_type,
        flame=lead.flame,
        state=ItemState.RESOLVED if answered else ItemState.OPEN,
        resolved_at=lead.updated_at if answered else None,
    )


def export_item(
    ready: bool,
    export_id: str,
    at: datetime,
    row_count: int | None,
    reason: str | None,
    expires_at: datetime | None = None,
) -> ActionItem:
    kind = ActionKind.EXPORT_READY if ready else ActionKind.EXPORT_FAILED
    if ready:
        message = f"Your export is ready ({row_count if row_count is not None else 'its'} rows): download it."
    else:
        message = f"Your export failed ({reason or 'no reason given'}): start it again."
    return ActionItem(
        notification_id=notification_id(at, kind, export_id),
        kind=kind,
        at=at,
        message=message,
        export_id=export_id,
        row_count=row_count,
        reason=reason,
        expires_at=expires_at if ready else None,
    )


def webhook_item(endpoint_id: str, url: str, failing_since: datetime, at: datetime) -> ActionItem:
    """A CRM endpoint LeadDesk disabled after 5 days of failures: fix it, enable it, replay."""
    return ActionItem(
        notification_id=notification_id(at, ActionKind.WEBHOOK_DISABLED, endpoint_id),
        kind=ActionKind.WEBHOOK_DISABLED,
        at=at,
        message=(
            f"Deliveries to {url[:200]} failed since {failing_since:%Y-%m-%d %H:%M} UTC: the endpoint is "
            "disabled. Fix it, enable it again and retry what it missed from its delivery log."
        ),
        endpoint_id=endpoint_id,
        reason="failing for 5 days",
    )


def no_recipient_item(lead: Lead, at: datetime) -> ActionItem:
    """A new lead nobody could be told of: the settings name no address its type reaches and the
    partner has no referrals_admin user. One per partner, lead type and UTC day (the store's
    marker); it names the day's first such lead."""
    day = at.astimezone(UTC).date().isoformat()
    message = (
        f"Nobody was notified of a new {lead.lead_type.value.replace('_', ' ')} lead on {day}: "
        "add a referral admin email in Settings, or give someone the referrals admin role."
    )
    return ActionItem(
        notification_id=notification_id(at, ActionKind.NO_RECIPIENT, f"{lead.lead_type.value}-{day}"),
        kind=ActionKind.NO_RECIPIENT,
        at=at,
        message=message,
        lead_id=lead.lead_id,
        company=lead.customer.company,
        lead_type=lead.lead_type,
    )


def delivery_item(
    unconfirmed: bool,
    notice_key: str,
    recipient: str,
    tag: str,
    at: datetime,
    reason: str | None,
    lead: Lead | None,
) -> ActionItem:
    """An email that failed for good, or whose send was interrupted (never sent twice)."""
    kind = ActionKind.SEND_UNCONFIRMED if unconfirmed else ActionKind.SEND_FAILED
    what = notice_key.split("#", 1)[0].replace("_", " ")
    if unconfirmed:
        message = f"The {what} email to {recipient} may not have been delivered: check with them."
    else:
        message = f"The {what} email to {recipient} could not be delivered: {reason or 'refused'}."
    subject = f"{notice_key.replace('#', '-')}-{tag}"
    return ActionItem(
        notification_id=notification_id(at, kind, subject),
        kind=kind,
        at=at,
        message=message,
        lead_id=lead.lead_id if lead else None,
        company=lead.customer.company if lead else None,
        lead_type=lead.lead_type if lead else None,
        recipient=recipient,
        reason=reason,
    )


def suppression_item(address: str, tag: str, complaint: bool, at: datetime, feedback_id: str) -> ActionItem:
    """An address suppressed after a hard bounce or a complaint (`tag`: the address's stand-in in
    ids; the same feedback always makes the same id)."""
    until = "nothing more is sent to it until you clear it in Settings."
    if complaint:
        message, reason = f"{address} marked a LeadDesk email as spam: {until}", "complaint"
    else:
        message, reason = f"Email to {address} bounced for good: {until}", "bounce"
    subject = f"{tag}-{hashlib.sha256(feedback_id.encode()).hexdigest()[:12]}"
    return ActionItem(
        notification_id=notification_id(at, ActionKind.ADDRESS_SUPPRESSED, subject),
        kind=ActionKind.ADDRESS_SUPPRESSED,
        at=at,
        message=message,
        recipient=address,
        reason=reason,
    )
