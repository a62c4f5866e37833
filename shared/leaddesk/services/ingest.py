"""Ingest a batch of inbound events: parse, store once, fold repeats, publish, dead-letter.

Every record ends in exactly one outcome — created, duplicate, touchpoint, dead_letter or
retry — so a batch can always be accounted for.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from ulid import ULID

from leaddesk.adapters.bus import EventPublisher, OutboundEvent
from leaddesk.adapters.dead_letters import DeadLetterQueue
from leaddesk.adapters.store import IngestOutcome, LeadStore
from leaddesk.domain.contact import ContactValidator
from leaddesk.domain.events import LEAD_RECEIVED, lead_event_detail
from leaddesk.domain.inbound import InboundRejected, IngestContext, dedupe_key, parse_inbound


class RecordFate(StrEnum):
    CREATED = "created"
    DUPLICATE = "duplicate"
    TOUCHPOINT = "touchpoint"
    DEAD_LETTER = "dead_letter"
    RETRY = "retry"


@dataclass(frozen=True)
class InboundRecord:
    message_id: str
    body: str


@dataclass(frozen=True)
class RecordResult:
    message_id: str
    fate: RecordFate
    lead_id: str | None = None
    reason: str | None = None


class BusEnvelope(BaseModel):
    """The EventBridge event as an SQS target receives it (the whole envelope is the body)."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore")

    id: str | None = None
    detail_type: str = Field(alias="detail-type")
    source: str | None = None
    time: datetime | None = None
    detail: Any = None


class IngestService:
    def __init__(
        self,
        store: LeadStore,
        publisher: EventPublisher,
        dead_letters: DeadLetterQueue,
        contact: ContactValidator,
        clock: Callable[[], datetime],
    ) -> None:
        self._store = store
        self._publisher = publisher
        self._dead_letters = dead_letters
        self._contact = contact
        self._clock = clock

    def ingest(self, records: Sequence[InboundRecord]) -> list[RecordResult]:
        results: dict[str, RecordResult] = {}
        to_publish: list[OutboundEvent] = []
        for record in records:
            result, event = self._ingest_one(record)
            results[record.message_id] = result
            if event is not None:
                to_publish.append(event)
        # A stored lead whose event could not be published is retried as a whole: the
        # redelivery finds the lead already stored by this message and publishes again.
        for event in self._publisher.publish(to_publish):
            results[event.key] = RecordResult(
                event.key, RecordFate.RETRY, results[event.key].lead_id, "lead.received not published"
            )
        return [results[record.message_id] for record in records]

    def _ingest_one(self, record: InboundRecord) -> tuple[RecordResult, OutboundEvent | None]:
        try:
            envelope = BusEnvelope.model_validate(json.loads(record.body))
            received_at = self._clock()
            context = IngestContext(str(ULID.from_datetime(received_at)), received_at, self._contact)
            lead = parse_inbound(envelope.detail_type, envelope.detail, context)
        except (ValueError, ValidationError) as error:  # InboundRejected and bad JSON are ValueErrors
            field, reason = _rejection(error)
            try:
                self._dead_letters.send(record.body, reason, field, record.message_id)
            except Exception as dlq_error:
                return RecordResult(
                    record.message_id, RecordFate.RETRY, reason=f"dead-letter failed: {dlq_error}"
                ), None
            return RecordResult(record.message_id, RecordFate.DEAD_LETTER, reason=f"{field}: {reason}"), None

        try:
            stored = self._store.add_lead(lead, dedupe_key(lead), record.message_id)
        except Exception as error:
            return RecordResult(
                record.message_id, RecordFate.RETRY, reason=f"{type(error).__name__}: {error}"
            ), None

        if stored.outcome is IngestOutcome.CREATED or stored.redelivery:
            publish_lead = (
                lead
                if stored.outcome is IngestOutcome.CREATED
                else self._store.get_lead(lead.partner_id, stored.lead_id)
            )
            fate = RecordFate.CREATED if stored.outcome is IngestOutcome.CREATED else RecordFate.DUPLICATE
            event = (
                OutboundEvent(LEAD_RECEIVED, lead_event_detail(publish_lead), record.message_id)
                if publish_lead is not None
                else None
            )
            return RecordResult(record.message_id, fate, stored.lead_id), event
        fate = RecordFate.TOUCHPOINT if stored.outcome is IngestOutcome.TOUCHPOINT else RecordFate.DUPLICATE
        return RecordResult(record.message_id, fate, stored.lead_id), None


def _rejection(error: Exception) -> tuple[str, str]:
    if isinstance(error, InboundRejected):
        return error.field, error.reason
    if isinstance(error, ValidationError):
        first = error.errors()[0]
        return ".".join(str(part) for part in first["loc"]) or "body", first["msg"]
    return "body", f"not a JSON event: {error}"
