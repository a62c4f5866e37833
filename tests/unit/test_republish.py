"""The republish function's service: parked events back on the bus, and what is no parked event
dead-lettered with its field (never retried: the same body fails on every receive)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from leaddesk.adapters.bus import EventPublisher
from leaddesk.adapters.pending_events import event_to_body
from leaddesk.domain.events import OutboundEvent, lead_received
from leaddesk.services.records import DEAD_LETTER, RETRY, QueuedRecord
from leaddesk.services.republish import PUBLISHED, RepublishService
from tests.helpers.leads import make_lead


class RecordingPublisher(EventPublisher):
    def __init__(self, refuse: frozenset[str] = frozenset()) -> None:  # no bus: what is put is kept
        self.published: list[OutboundEvent] = []
        self._refuse = refuse

    def publish(self, events: Sequence[OutboundEvent]) -> list[OutboundEvent]:
        self.published += events
        return [event for event in events if event.key in self._refuse]


def test_parked_events_go_back_and_what_is_no_parked_event_is_dead_lettered_with_its_field() -> None:
    good = event_to_body(lead_received(make_lead(), "lead"))
    refused = event_to_body(lead_received(make_lead(), "lead"))
    not_ours = json.dumps({"detail_type": "lead.teleported", "detail": {}})
    lacking = json.loads(good)
    del lacking["detail"]["lead_id"]
    records = [
        QueuedRecord("m-1", good),
        QueuedRecord("m-2", not_ours),
        QueuedRecord("m-3", json.dumps(lacking)),
        QueuedRecord("m-4", "{"),
        QueuedRecord("m-5", refused),
    ]
    publisher = RecordingPublisher(refuse=frozenset({"m-5"}))

    results = RepublishService(publisher).republish(records)

    assert [(r.message_id, r.fate, r.field) for r in results] == [
        ("m-1", PUBLISHED, None),
        ("m-2", DEAD_LETTER, "detail_type"),
        ("m-3", DEAD_LETTER, "lead_id"),
        ("m-4", DEAD_LETTER, "body"),
        ("m-5", RETRY, None),
    ]
    assert "lead.teleported" in str(results[1].reason) and results[2].reason == "Field required"
    assert [event.key for event in publisher.published] == ["m-1", "m-5"]  # only the parked events
    assert results[0].detail_type == "lead.received"
