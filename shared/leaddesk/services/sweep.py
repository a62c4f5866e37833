"""The timed rules applied to due leads: expiry, the expiring-soon reminder, flame cooling, archiving.

"Now" comes from the schedule's event. Only leads in the sparse Due index whose time has
come are read; each change is the same conditional write the API uses, so a person's action
and a timed rule racing on one lead resolve to one winner.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from aws_lambda_powertools import Logger

from leaddesk.adapters.metrics import OperatorMetrics
from leaddesk.adapters.store import LeadStore, StaleLead
from leaddesk.domain.contract import LeadExpiringSoon
from leaddesk.domain.events import OutboundEvent, reminders_due, transition_event
from leaddesk.domain.lifecycle import SYSTEM_ACTOR, Transition
from leaddesk.domain.models import Lead
from leaddesk.domain.timed_rules import run_timed_rules
from leaddesk.services.changes import ChangePublisher

ATTEMPTS = 5
SWEEP_MAX_LEADS = 2000


logger = Logger(child=True)


@dataclass
class SweepReport:
    now: datetime
    examined: int = 0
    changed: int = 0
    events: dict[str, int] = field(default_factory=dict)
    conflicts: int = 0
    failed: int = 0  # leads (or index shards) AWS kept refusing: the next run takes them again
    more: bool = False  # stopped at the per-run bound, or left something for the next run
    reminded: dict[str, list[str]] = field(default_factory=dict)  # partner → leads reminded this run


class SweepService:
    def __init__(
        self, store: LeadStore, changes: ChangePublisher, metrics: OperatorMetrics, expiry_days: int
    ) -> None:
        self._store = store
        self._changes = changes
        self._metrics = metrics
        self._expiry_days = expiry_days

    def sweep(self, now: datetime, max_leads: int = SWEEP_MAX_LEADS) -> SweepReport:
        """Apply every timed rule due at `now`, touching only due leads.

        At most `max_leads` leads per run (soonest due first): a backlog is worked off by the
        following runs instead of one run outliving the function's timeout.
        """
        report = SweepReport(now=now)
        # The due leads first (at most one more than the bound), then the writes that move them.
        unreadable: list[int] = []
        due = list(self._store.due(now, max_leads + 1, unreadable))
        report.failed += len(unreadable)
        report.more = len(due) > max_leads or bool(unreadable)
        for lead in due[:max_leads]:
            report.examined += 1
            try:
                self._apply(lead, now, report)
            except Exception as error:
                # Throttled past the SDK's retries: the lead stays due (its write did not happen),
                # and the next run, minutes later, applies its rules. The others go on now.
                logger.warning("timed rule not applied", extra={"lead_id": lead.lead_id, "error": str(error)})
                report.failed += 1
                report.more = True
        # One event per partner lists the run's expiring-soon leads: their recipients get one
        # reminder each for the run (docs/decision_log.md), the leads' own events their items.
        self._changes.publish(
            [reminders_due(partner_id, now, lead_ids) for partner_id, lead_ids in report.reminded.items()]
        )
        if report.failed:
            self._metrics.count("TimedRuleFailed", report.failed)
        for event_type, count in report.events.items():
            self._metrics.count("TimedRuleApplied", count, dimension=("Event", event_type))
        return report

    def _apply(self, indexed: Lead, now: datetime, report: SweepReport) -> None:
        """The rules due for one lead, starting from the index's copy (one read per due lead);
        when that copy lags behind the table, the conditional write says so and the lead is read."""
        lead: Lead | None = indexed
        for _ in range(ATTEMPTS):
            if lead is None:
                return
            transitions = run_timed_rules(lead, now, self._expiry_days)
            try:
                # No rule due any more (a person acted first): the write refreshes its Due keys.
                self._store.update_lead(lead, transitions[-1].lead if transitions else lead)
            except StaleLead:
                report.conflicts += 1 if transitions else 0
                lead = self._store.get_lead(lead.partner_id, lead.lead_id)
                continue
            if transitions:
                report.changed += 1
                self._changes.publish(self._events(lead, transitions, report))
            return

    @staticmethod
    def _events(lead: Lead, transitions: list[Transition], report: SweepReport) -> list[OutboundEvent]:
        events: list[OutboundEvent] = []
        before = lead
        for transition in transitions:
            events.append(transition_event(transition, before, SYSTEM_ACTOR))
            report.events[transition.event_type] = report.events.get(transition.event_type, 0) + 1
            if transition.event_type == LeadExpiringSoon.detail_type:
                report.reminded.setdefault(lead.partner_id, []).append(lead.lead_id)
            before = transition.lead
        return events
