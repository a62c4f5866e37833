"""Publishing the events of stored changes: what the bus refuses after retries is parked, never dropped."""

from __future__ import annotations

from collections.abc import Sequence

from aws_lambda_powertools import Logger

from leaddesk.adapters.bus import EventPublisher
from leaddesk.adapters.metrics import OperatorMetrics
from leaddesk.adapters.pending_events import PendingEvents
from leaddesk.domain.events import OutboundEvent

logger = Logger(child=True)


class ChangePublisher:
    def __init__(self, publisher: EventPublisher, pending: PendingEvents, metrics: OperatorMetrics) -> None:
        self._publisher = publisher
        self._pending = pending
        self._metrics = metrics

    def publish(self, events: Sequence[OutboundEvent]) -> None:
        """The changes are stored already: their events must reach the bus, now or later."""
        refused = self._publisher.publish(events)
        if not refused:
            return
        lost = self._pending.park(refused)
        self._metrics.count("EventsParked", len(refused) - len(lost))
        self._metrics.count("EventsLost", len(lost))
        for event in lost:
            logger.error(
                "event neither published nor parked",
                extra={"detail_type": event.detail_type, "lead_id": event.key},
            )
