"""CRM push: a partner's webhook endpoints, the messages LeadDesk sends them, and the rules of delivery.

Pure rules only: the retry schedule, the secret's format, and the models the API and the delivery
log answer with. Which event becomes which message is `webhook_messages`'; where a delivery may go,
`webhook_addresses`'. Signing, storage, DNS and HTTP are adapters'.
"""

from __future__ import annotations

import base64
import secrets
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator
from ulid import ULID

from leaddesk.domain.contract import WebhookDisabled
from leaddesk.domain.errors import DeliveryNotFound, EndpointNotFound, UrlRefused
from leaddesk.domain.events import OutboundEvent
from leaddesk.domain.webhook_messages import LEAD_EVENTS, LeadEvent, WebhookEvent

# --- retries ------------------------------------------------------------------------------------------
TIMEOUT_SECONDS = 10
RETRY_DELAYS: tuple[timedelta, ...] = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=10),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
MAX_RETRY_AFTER = timedelta(hours=24)
DISABLE_AFTER = timedelta(days=5)  # an endpoint failing this long is disabled
RETENTION = timedelta(days=5)  # deliveries and their payloads are kept as long as they can be retried
HONOURS_RETRY_AFTER = frozenset({429, 503})


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


class AttemptResult(BaseModel):
    """What one POST came to."""

    model_config = ConfigDict(frozen=True)

    status_code: int | None = None  # None: no answer (refused address, connection error, timeout)
    error: str | None = None
    retry_after: timedelta | None = None

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300

    @property
    def gone(self) -> bool:
        return self.status_code == 410


def next_attempt(attempts_made: int, result: AttemptResult, now: datetime) -> datetime | None:
    """When to try again after a failed attempt (`attempts_made` counts it); None: no more tries.

    The schedule counts automatic attempts; a hand retry past it is tried once. A `Retry-After`
    of a 429 or 503 is honoured: never sooner than it asks (capped at a day)."""
    if result.delivered or result.gone or attempts_made >= MAX_ATTEMPTS:
        return None
    delay = RETRY_DELAYS[attempts_made - 1]
    if result.retry_after is not None and result.status_code in HONOURS_RETRY_AFTER:
        delay = max(delay, min(result.retry_after, MAX_RETRY_AFTER))
    return now + delay


def parse_retry_after(value: str | None, now: datetime) -> timedelta | None:
    """`Retry-After` as seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return timedelta(seconds=int(text))
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(when - now, timedelta(0))


# --- secrets ------------------------------------------------------------------------------------------
SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32  # within Standard Webhooks' 24–64
ROTATION_OVERLAP = timedelta(hours=24)


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


class StoredSecret(BaseModel):
    """A signing secret as stored: encrypted; `retires_at` once a rotation replaced it."""

    model_config = ConfigDict(frozen=True)

    ciphertext: str
    created_at: datetime
    retires_at: datetime | None = None


def signing_secrets(stored: list[StoredSecret], now: datetime) -> list[StoredSecret]:
    """The secrets that sign now: the current one and, for 24 h after a rotation, the one before."""
    return [s for s in stored if s.retires_at is None or s.retires_at > now]


# --- endpoints ------------------------------------------------------------------------------------------
# What every accepted URL has (the rest — the address it names — is checked by `check_url`).
URL_PATTERN = r"^https?://[^\s/?#@]+(?:[/?#]\S*)?$"


def _events(value: list[LeadEvent] | None) -> list[LeadEvent]:
    chosen = value if value is not None else list(LEAD_EVENTS)
    return sorted(set(chosen), key=list(LeadEvent).index)


class EndpointCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str = Field(
        min_length=8,
        max_length=2000,
        pattern=URL_PATTERN,
        description=(
            "The https URL deliveries are POSTed to; loopback, private, link-local and cloud-metadata "
            "hosts are refused (422 naming url)"
        ),
    )
    events: list[LeadEvent] | None = Field(
        default=None, min_length=1, description="The lead events to send (default: every lead event)"
    )
    description: str | None = Field(default=None, max_length=500)

    @field_validator("events")
    @classmethod
    def _known_events(cls, value: list[LeadEvent] | None) -> list[LeadEvent]:
        return _events(value)


class EndpointPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str | None = Field(default=None, min_length=8, max_length=2000, pattern=URL_PATTERN)
    events: list[LeadEvent] | None = Field(default=None, min_length=1)
    enabled: bool | None = None
    description: str | None = Field(default=None, max_length=500)

    @field_validator("events")
    @classmethod
    def _known_events(cls, value: list[LeadEvent] | None) -> list[LeadEvent] | None:
        return None if value is None else _events(value)


class Endpoint(BaseModel):
    """A partner's endpoint as stored (its secrets are kept beside it, never in it)."""

    id: str
    partner_id: str
    url: str
    events: list[LeadEvent]
    enabled: bool = True
    description: str | None = None
    created_at: datetime
    updated_at: datetime
    disabled_reason: str | None = None
    failing_since: datetime | None = None

    def wants(self, event: WebhookEvent) -> bool:
        return self.enabled and event.value in {subscribed.value for subscribed in self.events}


class EndpointView(BaseModel):
    """An endpoint as the API shows it (never its secret)."""

    id: str
    url: str
    events: list[LeadEvent]
    enabled: bool
    description: str | None = None
    created_at: datetime
    updated_at: datetime
    disabled_reason: str | None = Field(
        default=None, description="Why LeadDesk disabled it: `gone` (410) or `failing` (5 days of failures)"
    )
    failing_since: datetime | None = Field(
        default=None, description="The first failure since the last success"
    )


class EndpointCreated(EndpointView):
    secret: str = Field(description="`whsec_…`: shown only now (and on rotation); keep it in your receiver")


class EndpointList(BaseModel):
    items: list[EndpointView]


class RotatedSecret(BaseModel):
    secret: str = Field(description="The new `whsec_…`; the previous secret also signs for 24 hours")
    previous_secret_retires_at: datetime


def view_of(endpoint: Endpoint) -> EndpointView:
    return EndpointView.model_validate(endpoint.model_dump(exclude={"partner_id"}))


def disabled_event(endpoint: Endpoint, at: datetime) -> OutboundEvent:
    """`webhook.disabled`: the notifier tells the referral admins (an email, an action-center item)."""
    detail = WebhookDisabled(
        partner_id=endpoint.partner_id,
        endpoint_id=endpoint.id,
        url=endpoint.url,
        failing_since=endpoint.failing_since or at,
        disabled_at=at,
    )
    return OutboundEvent(detail, endpoint.id)


def new_endpoint_id() -> str:
    return "ep_" + str(ULID())


# --- deliveries ------------------------------------------------------------------------------------------
class Delivery(BaseModel):
    """One message to one endpoint: every attempt at it, and its body while it may be retried."""

    partner_id: str
    endpoint_id: str
    id: str
    message_id: str
    event_type: WebhookEvent
    status: DeliveryStatus = DeliveryStatus.PENDING
    attempts: int = 0
    last_status_code: int | None = None
    last_error: str | None = None
    last_attempt_at: datetime | None = None
    next_attempt_at: datetime | None = None
    created_at: datetime
    body: str = Field(description="The exact JSON body signed and sent")


class DeliveryView(BaseModel):
    id: str
    message_id: str = Field(description="The `webhook-id` header: the same on every attempt")
    event_type: WebhookEvent
    status: DeliveryStatus
    attempts: int
    last_status_code: int | None = None
    last_error: str | None = Field(default=None, description="No answer: why (refused address, timeout…)")
    last_attempt_at: datetime | None = None
    next_attempt_at: datetime | None = None
    created_at: datetime


class DeliveryPage(BaseModel):
    items: list[DeliveryView]
    next_cursor: str | None = Field(default=None, description="Pass as `cursor` for the next page")


def delivery_view(delivery: Delivery) -> DeliveryView:
    return DeliveryView.model_validate(delivery.model_dump(exclude={"partner_id", "endpoint_id", "body"}))


class AttemptOrder(BaseModel):
    """A queued attempt: which delivery, and how many attempts it had when this one was queued
    (an order whose count no longer matches was overtaken and does nothing)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    partner_id: str = Field(min_length=1, max_length=200)
    endpoint_id: str = Field(min_length=1, max_length=64)
    delivery_id: str = Field(min_length=1, max_length=64)
    attempts: int = Field(ge=0)


def after_attempt(delivery: Delivery, result: AttemptResult, now: datetime) -> Delivery:
    """The delivery once an attempt came to `result`."""
    attempts = delivery.attempts + 1
    retry_at = next_attempt(attempts, result, now)
    status = (
        DeliveryStatus.DELIVERED
        if result.delivered
        else DeliveryStatus.PENDING
        if retry_at is not None
        else DeliveryStatus.FAILED
    )
    return delivery.model_copy(
        update={
            "attempts": attempts,
            "status": status,
            "last_status_code": result.status_code,
            "last_error": None if result.delivered else (result.error or f"HTTP {result.status_code}")[:300],
            "last_attempt_at": now,
            "next_attempt_at": retry_at,
        }
    )


__all__ = ["DeliveryNotFound", "EndpointNotFound", "UrlRefused"]
