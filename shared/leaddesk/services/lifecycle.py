"""Applies the lifecycle state machine to stored leads: read, decide (domain), write conditionally, publish.

The same loop serves people's actions and the timed-rules sweep, so a race between an
accept, a decline and an expiry always resolves the same way: one conditional write wins,
the others re-read the lead and ask the state machine again (which then usually says 409).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from typing import Any

from aws_lambda_powertools import Logger

from leaddesk.adapters.bus import EventPublisher, OutboundEvent
from leaddesk.adapters.pending_events import PendingEvents
from leaddesk.adapters.store import LeadStore, StaleLead, utc_now
from leaddesk.config import Settings
from leaddesk.domain.events import lead_event_detail
from leaddesk.domain.lifecycle import PERSON_ACTIONS, Action, Transition, run_timed_rules
from leaddesk.domain.models import Lead

logger = Logger(child=True)
ATTEMPTS = 5
SWEEP_MAX_LEADS = 2000


class LeadNotFound(Exception):
    """No such lead for this partner (another tenant's id looks the same: 404)."""


class PreconditionFailed(Exception):
    """`If-Match` names a version that is no longer current (412)."""

    def __init__(self, lead: Lead) -> None:
        super().__init__(f"the lead changed: its current etag is {lead.etag}")
        self.lead = lead


def transition_event(transition: Transition, before: Lead, actor: str) -> OutboundEvent:
    detail = lead_event_detail(
        transition.lead,
        action=transition.action.value,
        actor=actor,
        from_status=before.status.value,
        from_outcome=before.outcome.value if before.outcome else None,
        **transition.event_extra,
    )
    return OutboundEvent(transition.event_type, detail, transition.lead.lead_id)


@dataclass
class SweepReport:
    now: datetime
    examined: int = 0
    changed: int = 0
    events: dict[str, int] = field(default_factory=dict)
    conflicts: int = 0
    more: bool = False  # stopped at the per-run bound with more leads due


class LifecycleService:
    def __init__(
        self,
        store: LeadStore,
        publisher: EventPublisher,
        clock: Callable[[], datetime],
        expiry_days: int,
        pending: PendingEvents | None = None,
    ) -> None:
        self._store = store
        self._publisher = publisher
        self._pending = pending
        self._clock = clock
        self._expiry_days = expiry_days

    @classmethod
    def from_settings(cls, config: Settings, store: LeadStore | None = None) -> LifecycleService:
        """As the API and the sweep functions run it (clients made once per process)."""
        from leaddesk.adapters import aws

        pending = (
            PendingEvents(aws.sqs(), config.pending_events_queue_url)
            if config.pending_events_queue_url
            else None
        )
        return cls(
            store=store or LeadStore(aws.dynamodb(), config.table_name),
            publisher=EventPublisher(aws.events(), config.event_bus_name),
            clock=utc_now,
            expiry_days=config.lead_expiry_days,
            pending=pending,
        )

    def act(
        self,
        partner_id: str,
        lead_id: str,
        action: Action,
        body: Any,
        actor: str,
        if_match: str | None = None,
    ) -> Lead:
        """A person's action; raises LeadNotFound, NotAllowed (409) or PreconditionFailed (412)."""
        rule = PERSON_ACTIONS[action]
        for _ in range(ATTEMPTS):
            lead = self._store.get_lead(partner_id, lead_id)
            if lead is None:
                raise LeadNotFound(f"no lead {lead_id}")
            if if_match is not None and if_match.strip() not in (lead.etag, "*"):
                raise PreconditionFailed(lead)
            transition: Transition = rule(lead, body, actor, self._clock())
            try:
                self._store.update_lead(lead, transition.lead)
            except StaleLead:
                if if_match is not None:
                    current = self._store.get_lead(partner_id, lead_id)
                    raise PreconditionFailed(current or lead) from None
                continue  # someone else changed it: decide again on the current state
            self._publish([transition_event(transition, lead, actor)])
            return transition.lead
        raise RuntimeError(f"lead {lead_id} kept changing; gave up after {ATTEMPTS} attempts")

    def sweep(self, now: datetime, max_leads: int = SWEEP_MAX_LEADS) -> SweepReport:
        """Apply every timed rule due at `now` (from the schedule's event), touching only due leads.

        At most `max_leads` leads per run (soonest due first): a backlog is worked off by the
        following runs instead of one run outliving the function's timeout.
        """
        report = SweepReport(now=now)
        # Keys first (at most one more than the bound), then the writes that move them.
        due = list(islice(self._store.due(now), max_leads + 1))
        for partner_id, lead_id in due:
            if report.examined >= max_leads:
                report.more = True
                break
            report.examined += 1
            for _ in range(ATTEMPTS):
                lead = self._store.get_lead(partner_id, lead_id)
                if lead is None:
                    break
                transitions = run_timed_rules(lead, now, self._expiry_days)
                if not transitions:
                    # A person acted first or the rules changed: refresh the lead's Due keys.
                    try:
                        self._store.update_lead(lead, lead)
                    except StaleLead:
                        continue
                    break
                try:
                    self._store.update_lead(lead, transitions[-1].lead)
                except StaleLead:
                    report.conflicts += 1
                    continue
                report.changed += 1
                events, before = [], lead
                for transition in transitions:
                    events.append(transition_event(transition, before, "system"))
                    report.events[transition.event_type] = report.events.get(transition.event_type, 0) + 1
                    before = transition.lead
                self._publish(events)
                break
        return report

    def _publish(self, events: list[OutboundEvent]) -> None:
        """The change is stored: an event the bus refuses after retries is parked, never dropped."""
        failed = self._publisher.publish(events)
        if failed and self._pending is not None:
            failed = self._pending.park(failed)
        for event in failed:
            logger.error(
                "event neither published nor parked",
                extra={"detail_type": event.detail_type, "lead_id": event.key},
            )
