"""CRM push: a partner's webhook endpoints, the messages LeadDesk sends them, and the rules of delivery.

Pure rules only: which LeadDesk event becomes which webhook event, the retry schedule, what an
endpoint URL may be and which addresses a delivery may reach, the secret's format, and the
models the API and the delivery log answer with. Signing, storage, DNS and HTTP are adapters'.
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import secrets
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator
from ulid import ULID

from leaddesk.domain.contract import EventDetail, LeadArchived, LeadChanged, LeadReceived, WebhookDisabled
from leaddesk.domain.errors import DeliveryNotFound, EndpointNotFound, UrlRefused
from leaddesk.domain.events import OutboundEvent
from leaddesk.domain.lifecycle import Action
from leaddesk.domain.models import Lead
from leaddesk.domain.views import LeadView

# --- events ------------------------------------------------------------------------------------------


class WebhookEvent(StrEnum):
    LEAD_RECEIVED = "lead.received"
    LEAD_ACCEPTED = "lead.accepted"
    LEAD_DECLINED = "lead.declined"
    LEAD_UPDATED = "lead.updated"
    LEAD_QUALIFIED = "lead.qualified"
    LEAD_EVALUATED = "lead.evaluated"
    LEAD_WON = "lead.won"
    LEAD_LOST = "lead.lost"
    LEAD_CONVERTED = "lead.converted"
    LEAD_EXPIRED = "lead.expired"
    LEAD_CLOSED_AS_ERROR = "lead.closed_as_error"
    TEST = "webhook.test"


class LeadEvent(StrEnum):
    """The events an endpoint subscribes to: every webhook event but `webhook.test` (sent on request)."""

    LEAD_RECEIVED = "lead.received"
    LEAD_ACCEPTED = "lead.accepted"
    LEAD_DECLINED = "lead.declined"
    LEAD_UPDATED = "lead.updated"
    LEAD_QUALIFIED = "lead.qualified"
    LEAD_EVALUATED = "lead.evaluated"
    LEAD_WON = "lead.won"
    LEAD_LOST = "lead.lost"
    LEAD_CONVERTED = "lead.converted"
    LEAD_EXPIRED = "lead.expired"
    LEAD_CLOSED_AS_ERROR = "lead.closed_as_error"


LEAD_EVENTS: tuple[LeadEvent, ...] = tuple(LeadEvent)

# LeadDesk's own event (detail-type) → the webhook event a partner subscribes to. An edit of the
# deal is `lead.updated` for a CRM; `lead.archived` is a webhook event only when a person closed
# the lead as an error (an informational lead aging out is not news to a CRM).
_FROM_DETAIL_TYPE: dict[str, WebhookEvent] = {
    "lead.received": WebhookEvent.LEAD_RECEIVED,
    "lead.accepted": WebhookEvent.LEAD_ACCEPTED,
    "lead.declined": WebhookEvent.LEAD_DECLINED,
    "lead.edited": WebhookEvent.LEAD_UPDATED,
    "lead.qualified": WebhookEvent.LEAD_QUALIFIED,
    "lead.evaluated": WebhookEvent.LEAD_EVALUATED,
    "lead.won": WebhookEvent.LEAD_WON,
    "lead.lost": WebhookEvent.LEAD_LOST,
    "lead.converted": WebhookEvent.LEAD_CONVERTED,
    "lead.expired": WebhookEvent.LEAD_EXPIRED,
}
SOURCE_DETAIL_TYPES: tuple[str, ...] = (*_FROM_DETAIL_TYPE, "lead.archived")


def webhook_event_of(detail: EventDetail) -> WebhookEvent | None:
    """The webhook event a LeadDesk event is sent as; None: it is not sent to CRMs."""
    if isinstance(detail, LeadArchived):
        return WebhookEvent.LEAD_CLOSED_AS_ERROR if detail.action is Action.CLOSE_AS_ERROR else None
    return _FROM_DETAIL_TYPE.get(detail.detail_type)


# --- messages ------------------------------------------------------------------------------------------
MAX_BODY_BYTES = 20_000


class TestData(BaseModel):
    """What a `webhook.test` message carries."""

    endpoint_id: str
    message: str = "A test event from LeadDesk: your endpoint receives and verifies deliveries."


LeadEventName = Literal[
    "lead.received",
    "lead.accepted",
    "lead.declined",
    "lead.updated",
    "lead.qualified",
    "lead.evaluated",
    "lead.won",
    "lead.lost",
    "lead.converted",
    "lead.expired",
    "lead.closed_as_error",
]


class LeadMessage(BaseModel):
    """The body of a lead event: the lead as `GET /leads/{lead_id}` shows it, with its `etag`
    (`"<lead id>.<version>"`): a receiver keeps the highest version it has seen of each lead."""

    type: LeadEventName
    timestamp: datetime = Field(description="When the change happened (UTC)")
    data: LeadView


class TestMessage(BaseModel):
    """The body of `webhook.test`, sent by "Send test event"."""

    type: Literal["webhook.test"]
    timestamp: datetime
    data: TestData


def change_time(lead: Lead, detail: EventDetail) -> datetime | None:
    """When the change an event tells of happened, read from the lead: the same for every copy of
    the event (a producer that published twice made two bus events of one change)."""
    if isinstance(detail, LeadReceived):
        return lead.created_at
    if not isinstance(detail, LeadChanged):
        return None
    if lead.version == detail.version:
        return lead.updated_at
    entries = [entry.at for entry in lead.history if entry.action == detail.action.value]
    return entries[-1] if entries else None


def message_id(at: datetime, source_id: str | None = None) -> str:
    """`msg_` + a ULID of `at`: the same source (a lead, an event type and the lead's version)
    always makes the same id, so a copy of the event makes no second delivery; without one, a new id."""
    millis = int(at.timestamp() * 1000)
    tail = hashlib.sha256(source_id.encode()).digest()[:10] if source_id else secrets.token_bytes(10)
    return "msg_" + str(ULID.from_bytes(millis.to_bytes(6, "big") + tail))


def encode_body(message: LeadMessage | TestMessage) -> str:
    """The exact body sent and signed: compact JSON."""
    return message.model_dump_json()


def message_schemas() -> dict[str, dict[str, Any]]:
    """The JSON Schema of each webhook body, by file name (docs/events/webhooks/)."""
    schemas: dict[str, dict[str, Any]] = {}
    for event in WebhookEvent:
        model: type[BaseModel] = TestMessage if event is WebhookEvent.TEST else LeadMessage
        schema = model.model_json_schema(mode="serialization")
        schema.pop("title", None)
        schema.pop("description", None)
        schema["properties"]["type"] = {"const": event.value, "type": "string"}
        schemas[f"{event.value}.json"] = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": event.value,
            "description": " ".join((model.__doc__ or "").split()),
            "x-schema-version": 1,
            **schema,
        }
    return schemas


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


# --- where deliveries may go ---------------------------------------------------------------------------
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
# Cloud metadata services answer on these whatever the network: refused everywhere.
METADATA_ADDRESSES = frozenset(
    {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
)


def check_url(url: str, allow_loopback: bool) -> str:
    """The URL if an endpoint may have it: https (the local stack also takes http to
    127.0.0.1/localhost), a host, no credentials, and a host that is not a refused IP literal."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("https", "http") or not host:
        raise UrlRefused("url: an endpoint is an https URL with a host")
    if parts.username or parts.password:
        raise UrlRefused("url: credentials in the URL are not accepted (the signature authenticates)")
    if parts.scheme == "http" and not (allow_loopback and host in LOCAL_HOSTS):
        raise UrlRefused("url: an endpoint must use https")
    try:
        _ = parts.port
    except ValueError as error:
        raise UrlRefused("url: the port is not valid") from error
    try:
        literal = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        if host.endswith((".localhost", ".internal", ".local")) or (
            host == "localhost" and not allow_loopback
        ):
            raise UrlRefused(f"url: {host} is not a public host") from None
        return url
    check_address(literal, allow_loopback)
    return url


def check_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address, allow_loopback: bool) -> None:
    """Raise UrlRefused unless a delivery may connect to `address` (after DNS resolution): public
    unicast only; loopback only where `allow_loopback` (the local stack). An IPv4 address mapped,
    translated or tunnelled in IPv6 is judged as the IPv4 address it carries."""
    embedded = _embedded_ipv4(address)
    if embedded is not None:
        check_address(embedded, allow_loopback)
        return
    if address in METADATA_ADDRESSES or address.is_link_local:
        raise UrlRefused(f"url: {address} is a link-local or cloud metadata address")
    if address.is_loopback:
        if allow_loopback:
            return
        raise UrlRefused(f"url: {address} is a loopback address")
    if not address.is_global or address.is_multicast:
        raise UrlRefused(f"url: {address} is not a public address")


_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def _embedded_ipv4(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    # IPv4-compatible (::a.b.c.d, deprecated but still routed by some stacks)
    if int(address) >> 32 == 0 and int(address) > 1:
        return ipaddress.IPv4Address(int(address))
    return None


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
