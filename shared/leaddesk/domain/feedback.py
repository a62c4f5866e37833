"""Bounces and complaints: what SES says about an address LeadDesk emailed, and what it changes.

Every send is tagged with its partner (`send_tags`), so SES's feedback, published through the
configuration set to SNS and on to the feedback queue, maps back to the partner (`parse_feedback`).
A hard bounce (`Permanent`) or a complaint suppresses the address for that partner: nothing more
is sent to it until someone clears it (docs/product.md#notifications). Soft bounces (transient,
undetermined) change nothing: SES retried them already, and the next email may well arrive.

Pure: the message in, a `Feedback` out, or `FeedbackRejected` with the field and reason the
dead-letter queue keeps.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from leaddesk.domain.contact import well_formed_email
from leaddesk.domain.problems import first_problem

PARTNER_TAG = "partner"  # the partner id as it is, when SES's tag rules allow it
PARTNER_HEX_TAG = "partner_hex"  # otherwise its UTF-8 bytes in hex
_TAG_VALUE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


def send_tags(partner_id: str) -> dict[str, str]:
    """The SES message tags of an email sent for `partner_id` (letters, digits, `_` and `-` only)."""
    if _TAG_VALUE.match(partner_id):
        return {PARTNER_TAG: partner_id}
    return {PARTNER_HEX_TAG: partner_id.encode().hex()}


def partner_of_tags(tags: dict[str, list[str]]) -> str | None:
    if tags.get(PARTNER_TAG):
        return tags[PARTNER_TAG][0]
    if tags.get(PARTNER_HEX_TAG):
        try:
            return bytes.fromhex(tags[PARTNER_HEX_TAG][0]).decode()
        except ValueError:
            return None
    return None


class FeedbackKind(StrEnum):
    BOUNCE = "bounce"  # a hard (permanent) bounce
    COMPLAINT = "complaint"  # the recipient marked the email as spam


class FeedbackRejected(ValueError):
    """A message the feedback handler can never use (dead-lettered with the field and reason)."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class Suppression(BaseModel):
    """An address the partner's emails no longer go to, and why (what the settings page shows)."""

    address: str = Field(description="The suppressed address (lower case)")
    kind: FeedbackKind = Field(description="bounce: it bounced for good; complaint: marked as spam")
    at: datetime = Field(description="When the mail service reported it (UTC)")
    detail: str | None = Field(default=None, description="The mail service's words (bounce type)")
    feedback_id: str = Field(description="The feedback's id (repeated feedback changes nothing)")


class SuppressionList(BaseModel):
    """`GET /settings/suppressions`: the partner's suppressed addresses, newest first."""

    items: list[Suppression]


class Feedback(BaseModel):
    """What one SES notification asks for: the addresses to suppress for the partner (none for a
    soft bounce or a delivery report)."""

    partner_id: str
    feedback_id: str
    kind: FeedbackKind | None
    at: datetime
    addresses: list[str]
    detail: str | None = None

    def suppressions(self) -> list[Suppression]:
        if self.kind is None:
            return []
        return [
            Suppression(
                address=a, kind=self.kind, at=self.at, detail=self.detail, feedback_id=self.feedback_id
            )
            for a in self.addresses
        ]


# --- SES's shapes (event publishing: `eventType`; identity notifications: `notificationType`) ------
class _Loose(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class _Recipient(_Loose):
    email_address: str = Field(alias="emailAddress", min_length=3, max_length=320)


class _Bounce(_Loose):
    bounce_type: str = Field(alias="bounceType", max_length=100)
    bounce_sub_type: str | None = Field(default=None, alias="bounceSubType", max_length=100)
    bounced_recipients: list[_Recipient] = Field(alias="bouncedRecipients", min_length=1, max_length=100)
    timestamp: datetime
    feedback_id: str = Field(alias="feedbackId", min_length=1, max_length=300)


class _Complaint(_Loose):
    complained_recipients: list[_Recipient] = Field(
        alias="complainedRecipients", min_length=1, max_length=100
    )
    complaint_feedback_type: str | None = Field(default=None, alias="complaintFeedbackType", max_length=100)
    timestamp: datetime
    feedback_id: str = Field(alias="feedbackId", min_length=1, max_length=300)


class _Mail(_Loose):
    message_id: str = Field(alias="messageId", min_length=1, max_length=300)
    tags: dict[str, list[str]] = Field(default_factory=dict)


class _SesEvent(_Loose):
    event_type: str | None = Field(default=None, alias="eventType", max_length=50)
    notification_type: str | None = Field(default=None, alias="notificationType", max_length=50)
    mail: _Mail
    bounce: _Bounce | None = None
    complaint: _Complaint | None = None


def parse_feedback(body: str) -> Feedback:
    """The feedback an SQS message carries: SES's event JSON, raw or inside an SNS envelope."""
    try:
        data = json.loads(body)
    except ValueError as error:
        raise FeedbackRejected("body", f"not JSON: {error}") from error
    if isinstance(data, dict) and data.get("Type") == "Notification" and isinstance(data.get("Message"), str):
        return parse_feedback(data["Message"])  # SNS's own envelope (no raw message delivery)
    if not isinstance(data, dict):
        raise FeedbackRejected("body", "not a JSON object")
    try:
        event = _SesEvent.model_validate(data)
    except ValidationError as error:
        raise FeedbackRejected(*first_problem(error)) from error
    kind_name = (event.event_type or event.notification_type or "").lower()
    if kind_name not in ("bounce", "complaint"):
        raise FeedbackRejected("eventType", f"{kind_name or 'nothing'!r} is not a bounce or a complaint")
    partner_id = partner_of_tags(event.mail.tags)
    if not partner_id:
        raise FeedbackRejected("mail.tags.partner", "the email was not tagged with its partner")
    if kind_name == "bounce":
        if event.bounce is None:
            raise FeedbackRejected("bounce", "a bounce without its details")
        bounce = event.bounce
        hard = bounce.bounce_type == "Permanent"
        detail = " / ".join(p for p in (bounce.bounce_type, bounce.bounce_sub_type) if p)
        return Feedback(
            partner_id=partner_id,
            feedback_id=bounce.feedback_id,
            kind=FeedbackKind.BOUNCE if hard else None,
            at=bounce.timestamp,
            addresses=_addresses(bounce.bounced_recipients, "bounce.bouncedRecipients"),
            detail=detail,
        )
    if event.complaint is None:
        raise FeedbackRejected("complaint", "a complaint without its details")
    complaint = event.complaint
    return Feedback(
        partner_id=partner_id,
        feedback_id=complaint.feedback_id,
        kind=FeedbackKind.COMPLAINT,
        at=complaint.timestamp,
        addresses=_addresses(complaint.complained_recipients, "complaint.complainedRecipients"),
        detail=complaint.complaint_feedback_type,
    )


def _addresses(recipients: list[_Recipient], field: str) -> list[str]:
    found: list[str] = []
    for recipient in recipients:
        address = well_formed_email(_bare(recipient.email_address))
        if address is None:
            raise FeedbackRejected(field, f"{recipient.email_address[:100]!r} is not an address")
        if address.lower() not in found:
            found.append(address.lower())
    return found


def _bare(address: str) -> str:
    """`Name <a@b>` → `a@b` (SES reports the address as it was written in the header)."""
    if "<" in address and address.rstrip().endswith(">"):
        return address.rsplit("<", 1)[1].rstrip()[:-1]
    return address


def ses_event(
    kind: FeedbackKind, address: str, partner_id: str, message_id: str, at: datetime, feedback_id: str
) -> dict[str, Any]:
    """A feedback notification shaped like SES's event publishing (what `leaddesk mail bounce`
    publishes, and what the tests feed)."""
    mail = {
        "timestamp": at.isoformat(),
        "messageId": message_id,
        "destination": [address],
        "tags": {name: [value] for name, value in send_tags(partner_id).items()},
    }
    stamp = at.isoformat().replace("+00:00", "Z")
    if kind is FeedbackKind.BOUNCE:
        detail = {
            "bounceType": "Permanent",
            "bounceSubType": "General",
            "bouncedRecipients": [{"emailAddress": address, "action": "failed", "status": "5.1.1"}],
            "timestamp": stamp,
            "feedbackId": feedback_id,
        }
        return {"eventType": "Bounce", "bounce": detail, "mail": mail}
    detail = {
        "complainedRecipients": [{"emailAddress": address}],
        "complaintFeedbackType": "abuse",
        "timestamp": stamp,
        "feedbackId": feedback_id,
    }
    return {"eventType": "Complaint", "complaint": detail, "mail": mail}
