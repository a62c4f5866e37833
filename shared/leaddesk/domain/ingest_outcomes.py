"""What storing an inbound lead came to, and the markers that decide it.

A lead is stored exactly once per producer event id (its *event marker* says which lead the event
made, or was folded into, and by which SQS message), and a repeat of the same customer, offer and
call to action within 24 hours is folded into the first lead as a touchpoint (its *dedupe
marker*). How the markers are keyed and written is the store's business
(`leaddesk.adapters.store`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class IngestOutcome(StrEnum):
    CREATED = "created"
    DUPLICATE = "duplicate"  # same event id seen before
    TOUCHPOINT = "touchpoint"  # same customer/offer/action within 24 h


@dataclass(frozen=True)
class IngestResult:
    outcome: IngestOutcome
    lead_id: str
    # True when this delivery (same SQS message) already stored the lead but may not have
    # published its event: the caller publishes again rather than risk a silent lead.
    redelivery: bool = False


class MarkerKind(StrEnum):
    EVENT = "event"
    DEDUPE = "dedupe"


@dataclass(frozen=True)
class MarkerKey:
    """Which marker: a partner's producer event id, or a partner's customer dedupe key."""

    partner_id: str
    kind: MarkerKind
    value: str


def event_marker(partner_id: str, event_id: str) -> MarkerKey:
    return MarkerKey(partner_id, MarkerKind.EVENT, event_id)


def dedupe_marker(partner_id: str, dedupe: str) -> MarkerKey:
    return MarkerKey(partner_id, MarkerKind.DEDUPE, dedupe)


@dataclass(frozen=True)
class EventMarker:
    """A producer event seen before: the lead it made (or was folded into as a touchpoint), and
    the SQS message that stored it."""

    lead_id: str
    made_lead: bool
    delivery_id: str | None

    def duplicate(self, delivery_id: str) -> IngestResult:
        """The event again: a duplicate, which publishes the lead again when this same message
        made it (its first delivery may have stored it without publishing)."""
        redelivery = self.made_lead and self.delivery_id == delivery_id
        return IngestResult(IngestOutcome.DUPLICATE, self.lead_id, redelivery=redelivery)


@dataclass(frozen=True)
class DedupeMarker:
    """A customer's lead for an offer and call to action, and when its repeats stop being folded."""

    lead_id: str
    window_end: datetime


Marker = EventMarker | DedupeMarker
