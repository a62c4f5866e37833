"""Outbound events on the LeadDesk bus: PutEvents in tens, failed entries retried."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from leaddesk.adapters.batching import chunked
from leaddesk.domain.contract import SOURCE
from leaddesk.domain.events import OutboundEvent

if TYPE_CHECKING:
    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_events.type_defs import PutEventsRequestEntryTypeDef

MAX_ENTRIES = 10  # PutEvents' limit per call


class EventPublisher:
    def __init__(self, client: EventBridgeClient, bus_name: str, attempts: int = 3, backoff: float = 0.05):
        self._client = client
        self._bus = bus_name
        self._attempts = attempts
        self._backoff = backoff

    def publish(self, events: Sequence[OutboundEvent]) -> list[OutboundEvent]:
        """Publish all; returns the events that still failed after the retries (never raises for
        the bus's refusal: the caller's change is stored, and it parks or retries what is returned)."""
        failed: list[OutboundEvent] = []
        for chunk in chunked(events, MAX_ENTRIES):
            failed.extend(self._publish_chunk(chunk))
        return failed

    def _publish_chunk(self, pending: list[OutboundEvent]) -> list[OutboundEvent]:
        for attempt in range(self._attempts):
            entries: list[PutEventsRequestEntryTypeDef] = [
                {
                    "Source": SOURCE,
                    "DetailType": event.detail_type,
                    "Detail": event.detail.model_dump_json(),
                    "EventBusName": self._bus,
                }
                for event in pending
            ]
            try:
                answer = self._client.put_events(Entries=entries)
            except Exception:  # throttled or unreachable past the SDK's retries: all still pending
                if attempt + 1 < self._attempts:
                    time.sleep(self._backoff * (2**attempt))
                continue
            if not answer.get("FailedEntryCount"):
                return []
            # Entries come back in request order; those with an ErrorCode failed.
            pending = [
                event
                for event, entry in zip(pending, answer["Entries"], strict=True)
                if entry.get("ErrorCode")
            ]
            if attempt + 1 < self._attempts:
                time.sleep(self._backoff * (2**attempt))
        return pending
