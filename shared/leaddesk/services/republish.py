"""Parked events back onto the bus: each one refused again is retried by SQS."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pydantic import ValidationError

from leaddesk.adapters.bus import EventPublisher
from leaddesk.adapters.pending_events import body_to_event
from leaddesk.domain.contract import UnknownEvent
from leaddesk.domain.events import OutboundEvent
from leaddesk.domain.problems import first_problem
from leaddesk.services.records import DEAD_LETTER, RETRY, QueuedRecord

PUBLISHED = "published"


@dataclass(frozen=True)
class RepublishResult:
    message_id: str
    fate: str  # PUBLISHED, RETRY (refused again) or DEAD_LETTER (not a parked event)
    detail_type: str | None = None
    reason: str | None = None
    field: str | None = None

    def log_fields(self) -> dict[str, object]:
        return {"detail_type": self.detail_type}


class RepublishService:
    def __init__(self, publisher: EventPublisher) -> None:
        self._publisher = publisher

    def republish(self, records: Sequence[QueuedRecord]) -> list[RepublishResult]:
        """Put the parked events on the bus (PutEvents in tens); one result per record."""
        results: dict[str, RepublishResult] = {}
        events: list[OutboundEvent] = []
        for record in records:
            try:
                events.append(body_to_event(record.body, record.message_id))
            except UnknownEvent as error:
                results[record.message_id] = RepublishResult(
                    record.message_id, DEAD_LETTER, reason=str(error), field="detail_type"
                )
            except ValidationError as error:
                where, problem = first_problem(error)
                results[record.message_id] = RepublishResult(
                    record.message_id, DEAD_LETTER, reason=problem, field=where
                )
        refused = {event.key for event in self._publisher.publish(events)}
        for event in events:
            fate, reason = (RETRY, "refused again by the bus") if event.key in refused else (PUBLISHED, None)
            results[event.key] = RepublishResult(event.key, fate, event.detail_type, reason)
        return [results[record.message_id] for record in records]
