"""CRM push: which LeadDesk event becomes which webhook event, and the messages sent for them (the
lead as the API shows it, or a test), with their ids and published JSON Schemas."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, Field
from ulid import ULID

from leaddesk.domain.contract import EventDetail, LeadArchived, LeadChanged, LeadReceived
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
