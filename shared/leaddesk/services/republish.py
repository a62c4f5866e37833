"""Parked events back onto the bus: each one refused again is reported so SQS retries it."""

from __future__ import annotations

from collections.abc import Sequence

from leaddesk.adapters.bus import EventPublisher
from leaddesk.adapters.pending_events import body_to_event


class RepublishService:
    def __init__(self, publisher: EventPublisher) -> None:
        self._publisher = publisher

    def republish(self, records: Sequence[tuple[str, str]]) -> list[str]:
        """Put parked events (message id, body) on the bus; returns the message ids that failed again."""
        events = [body_to_event(body, message_id) for message_id, body in records]
        return [event.key for event in self._publisher.publish(events)]
