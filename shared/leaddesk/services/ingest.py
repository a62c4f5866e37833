"""Ingest a batch of inbound events: parse, store once, fold repeats, publish.

Every record ends in exactly one outcome — created, duplicate, touchpoint, dead_letter or
retry — so a batch can always be accounted for; the queue consumer (services.queue_consumer)
sends the dead letters with their reason and reports the retries.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from pydantic import ValidationError
from ulid import ULID

from leaddesk.adapters.bus import EventPublisher
from leaddesk.adapters.failures import PermanentFailure
from leaddesk.adapters.metrics import OperatorMetrics
from leaddesk.adapters.store import LeadStore
from leaddesk.domain.contact import ContactValidator
from leaddesk.domain.contract import Envelope
from leaddesk.domain.dedupe import DEDUPE_WINDOW, dedupe_key
from leaddesk.domain.events import OutboundEvent, lead_received
from leaddesk.domain.inbound import InboundRejected, IngestContext, parse_inbound
from leaddesk.domain.ingest_outcomes import (
    DedupeMarker,
    EventMarker,
    IngestOutcome,
    IngestResult,
    Marker,
    MarkerKey,
    dedupe_marker,
    event_marker,
)
from leaddesk.domain.models import Lead
from leaddesk.domain.problems import first_problem
from leaddesk.services.records import QueuedRecord

logger = logging.getLogger(__name__)


WRITERS = 10  # a batch's leads written at once, at most (an SQS batch holds 10)


class RecordFate(StrEnum):
    CREATED = "created"
    DUPLICATE = "duplicate"
    TOUCHPOINT = "touchpoint"
    DEAD_LETTER = "dead_letter"
    RETRY = "retry"


@dataclass(frozen=True)
class RecordResult:
    message_id: str
    fate: RecordFate
    lead_id: str | None = None
    reason: str | None = None
    field: str | None = None  # dead letters: the offending field

    def log_fields(self) -> dict[str, object]:
        return {"lead_id": self.lead_id}


class IngestService:
    def __init__(
        self,
        store: LeadStore,
        publisher: EventPublisher,
        contact: ContactValidator,
        clock: Callable[[], datetime],
        metrics: OperatorMetrics,
    ) -> None:
        self._leads = store
        self._metrics = metrics
        self._pool: ThreadPoolExecutor | None = None
        self._publisher = publisher
        self._contact = contact
        self._clock = clock

    def ingest(self, records: Sequence[QueuedRecord]) -> list[RecordResult]:
        results: dict[str, RecordResult] = {}
        parsed: list[tuple[QueuedRecord, Lead]] = []
        for record in records:
            lead_or_result = self._parse(record)
            if isinstance(lead_or_result, RecordResult):
                results[record.message_id] = lead_or_result
            else:
                parsed.append((record, lead_or_result))

        known = self._read_markers([lead for _, lead in parsed])
        stored: dict[str, tuple[RecordResult, OutboundEvent | None]] = {}

        def store_chain(chain: list[tuple[QueuedRecord, Lead]]) -> None:
            for record, lead in chain:  # in batch order: a repeat sees what the first one wrote
                stored[record.message_id] = self._store(record, lead, known)

        # Leads of a batch that share no event id and no customer are written at once (each write
        # is a round trip); those that do are written one after the other, in order.
        chains = _independent_chains(parsed)
        if len(chains) > 1:
            list(self._writers().map(store_chain, chains))
        else:
            for chain in chains:
                store_chain(chain)
        to_publish: list[OutboundEvent] = []
        for record, _ in parsed:
            result, event = stored[record.message_id]
            results[record.message_id] = result
            if event is not None:
                to_publish.append(event)
        # A stored lead whose event could not be published is retried as a whole: the
        # redelivery finds the lead already stored by this message and publishes again.
        for event in self._publisher.publish(to_publish):
            results[event.key] = RecordResult(
                event.key, RecordFate.RETRY, results[event.key].lead_id, "lead.received not published"
            )
        ordered = [results[record.message_id] for record in records]
        self._count(ordered)
        return ordered

    def _writers(self) -> ThreadPoolExecutor:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=WRITERS, thread_name_prefix="ingest-write")
        return self._pool

    def _count(self, results: Sequence[RecordResult]) -> None:
        """What an operator watches: stored, duplicate, touchpoint (the queue consumer counts
        the retried and the dead-lettered)."""
        for fate, metric in _FATE_METRICS.items():
            self._metrics.count(metric, sum(1 for r in results if r.fate is fate))

    def _parse(self, record: QueuedRecord) -> Lead | RecordResult:
        """The record's lead, or its final result when it is permanently bad (dead-lettered)."""
        try:
            envelope = Envelope.model_validate(json.loads(record.body))
            received_at = self._clock()
            context = IngestContext(str(ULID.from_datetime(received_at)), received_at, self._contact)
            return parse_inbound(envelope.detail_type, envelope.detail, context)
        except (ValueError, ValidationError, RecursionError) as error:
            # InboundRejected and bad JSON are ValueErrors; absurdly deep JSON is a RecursionError.
            field, reason = _rejection(error)
        except Exception as error:
            # Parsing is pure and deterministic: a retry would fail the same way, and raising
            # would fail the whole batch. The event goes to the dead-letter queue, named.
            logger.exception("unexpected parse failure", extra={"message_id": record.message_id})
            field, reason = "body", f"could not be parsed ({type(error).__name__}; the log has the trace)"
        return self._dead_letter(record, field, reason)

    @staticmethod
    def _dead_letter(record: QueuedRecord, field: str, reason: str) -> RecordResult:
        """A record that can never succeed: the queue consumer dead-letters it with its reason."""
        return RecordResult(record.message_id, RecordFate.DEAD_LETTER, reason=reason, field=field)

    def _read_markers(self, leads: Sequence[Lead]) -> dict[MarkerKey, Marker]:
        keys: list[MarkerKey] = []
        for lead in leads:
            keys.append(event_marker(lead.partner_id, lead.event_id))
            dedupe = dedupe_key(lead)
            if dedupe:
                keys.append(dedupe_marker(lead.partner_id, dedupe))
        if not keys:
            return {}
        try:
            return self._leads.read_markers(keys)
        except Exception as error:  # the conditional writes still decide; this is only a shortcut
            logger.warning("marker pre-read failed: %s; the conditional writes decide", error)
            return {}

    def _store(
        self, record: QueuedRecord, lead: Lead, known: dict[MarkerKey, Marker]
    ) -> tuple[RecordResult, OutboundEvent | None]:
        dedupe = dedupe_key(lead)
        try:
            stored = self._leads.add_lead(lead, dedupe, record.message_id, known)
        except PermanentFailure as hopeless:  # the same write would fail on every delivery: say why, once
            return self._dead_letter(record, "body", f"could not be stored: {hopeless.reason}"), None
        except Exception as error:
            return RecordResult(
                record.message_id, RecordFate.RETRY, reason=f"{type(error).__name__}: {error}"
            ), None
        _remember(known, lead, dedupe, stored, record.message_id)

        if stored.outcome is IngestOutcome.CREATED or stored.redelivery:
            publish_lead = (
                lead
                if stored.outcome is IngestOutcome.CREATED
                else self._leads.get_lead(lead.partner_id, stored.lead_id)
            )
            fate = RecordFate.CREATED if stored.outcome is IngestOutcome.CREATED else RecordFate.DUPLICATE
            if publish_lead is not None:
                try:  # outside the lead's transaction: a retry of this message writes them again
                    self._leads.write_entries(publish_lead)
                except Exception as error:
                    return RecordResult(
                        record.message_id,
                        RecordFate.RETRY,
                        reason=f"index entries: {type(error).__name__}: {error}",
                    ), None
            event = lead_received(publish_lead, record.message_id) if publish_lead is not None else None
            return RecordResult(record.message_id, fate, stored.lead_id), event
        fate = RecordFate.TOUCHPOINT if stored.outcome is IngestOutcome.TOUCHPOINT else RecordFate.DUPLICATE
        return RecordResult(record.message_id, fate, stored.lead_id), None


Pair = tuple[QueuedRecord, Lead]


def _independent_chains(parsed: Sequence[Pair]) -> list[list[Pair]]:
    """The batch's leads grouped so that leads with the same event id or the same customer (dedupe
    key) share a group, each group in batch order; different groups touch different markers."""
    group = list(range(len(parsed)))  # union-find over batch positions

    def root(position: int) -> int:
        while group[position] != position:
            position = group[position]
        return position

    first_with: dict[MarkerKey, int] = {}
    for position, (_, lead) in enumerate(parsed):
        dedupe = dedupe_key(lead)
        keys = [event_marker(lead.partner_id, lead.event_id)]
        keys += [dedupe_marker(lead.partner_id, dedupe)] if dedupe else []
        for key in keys:
            if key in first_with:
                group[root(position)] = root(first_with[key])
            else:
                first_with[key] = position
    chains: dict[int, list[Pair]] = {}
    for position, pair in enumerate(parsed):
        chains.setdefault(root(position), []).append(pair)
    return list(chains.values())


_FATE_METRICS = {
    RecordFate.CREATED: "LeadsStored",
    RecordFate.DUPLICATE: "DuplicateEvents",
    RecordFate.TOUCHPOINT: "Touchpoints",
}


def _remember(
    known: dict[MarkerKey, Marker], lead: Lead, dedupe: str | None, stored: IngestResult, delivery_id: str
) -> None:
    """What this batch just wrote, so a repeat later in the same batch takes the cheap path too."""
    event_key = event_marker(lead.partner_id, lead.event_id)
    if event_key not in known:
        made_lead = stored.outcome is IngestOutcome.CREATED
        known[event_key] = EventMarker(stored.lead_id, made_lead, delivery_id)
    if dedupe and stored.outcome is IngestOutcome.CREATED:
        known[dedupe_marker(lead.partner_id, dedupe)] = DedupeMarker(
            stored.lead_id, lead.created_at + DEDUPE_WINDOW
        )


def _rejection(error: Exception) -> tuple[str, str]:
    if isinstance(error, InboundRejected):
        return error.field, error.reason
    if isinstance(error, ValidationError):
        return first_problem(error)
    return "body", f"not a JSON event: {error}"
