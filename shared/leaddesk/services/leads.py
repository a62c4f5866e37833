"""What the leads API does: browse a tab, count, read a lead, act on it, mark it favorite.

Actions apply the lifecycle state machine to the stored lead: read, decide (domain), write
conditionally, publish. A race between an accept, a decline and an expiry always resolves the
same way: one conditional write wins, the others re-read the lead and ask the state machine
again (which then usually says 409).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from pydantic import BaseModel

from leaddesk.adapters.store import LeadStore, StaleLead
from leaddesk.domain.errors import LeadNotFound, PreconditionFailed
from leaddesk.domain.events import transition_event
from leaddesk.domain.filters import LeadQuery
from leaddesk.domain.lifecycle import PERSON_ACTIONS, Action, Transition, signed
from leaddesk.domain.models import Lead, LeadStatus, Tab
from leaddesk.domain.views import LeadPage, LeadView, Summary, TabCounts, present
from leaddesk.services.changes import ChangePublisher

ATTEMPTS = 5


class LeadsService:
    def __init__(
        self, store: LeadStore, changes: ChangePublisher, clock: Callable[[], datetime], expiry_days: int
    ) -> None:
        self._store = store
        self._changes = changes
        self._clock = clock
        self._expiry_days = expiry_days

    # --- reading ------------------------------------------------------------------------------
    def list(self, partner_id: str, query: LeadQuery, limit: int, cursor: str | None) -> LeadPage:
        page = self._store.query_leads(partner_id, query, limit, cursor)
        return LeadPage(items=[self._view(lead) for lead in page.leads], next_cursor=page.cursor)

    def summary(self, partner_id: str) -> Summary:
        """Counts per tab and status, from the partner's counters (a few items at any size)."""
        counts = self._store.counts(partner_id)
        tabs: dict[Tab, TabCounts] = {}
        for tab in Tab:
            by_status = {status: counts[(tab, status)] for status in LeadStatus}
            tabs[tab] = TabCounts(total=sum(by_status.values()), by_status=by_status)
        return Summary(tabs=tabs)

    def get(self, partner_id: str, lead_id: str) -> LeadView:
        """The lead with its history, the emails sent about it merged in (stored beside it)."""
        lead = self._read(partner_id, lead_id)
        return present(lead, self._expiry_days, self._store.lead_mails(partner_id, lead_id))

    def _read(self, partner_id: str, lead_id: str) -> Lead:
        lead = self._store.get_lead(partner_id, lead_id)
        if lead is None:
            raise LeadNotFound(lead_id)
        return lead

    def _view(self, lead: Lead) -> LeadView:
        return present(lead, self._expiry_days)

    # --- acting -------------------------------------------------------------------------------
    def act(
        self,
        partner_id: str,
        lead_id: str,
        action: Action,
        body: BaseModel,
        actor: str,
        if_match: str | None = None,
        actor_name: str | None = None,
    ) -> LeadView:
        """A person's action; raises LeadNotFound, NotAllowed (409) or PreconditionFailed (412).
        `actor_name`: how colleagues know the person, kept on the history entry beside `actor`."""
        rule = PERSON_ACTIONS[action]
        for _ in range(ATTEMPTS):
            lead = self._read(partner_id, lead_id)
            if if_match is not None and if_match.strip() not in (lead.etag, "*"):
                raise PreconditionFailed(lead)
            transition: Transition = signed(rule(lead, body, actor, self._clock()), actor_name)
            try:
                self._store.update_lead(lead, transition.lead)
            except StaleLead:
                continue  # someone else changed it: decide again on the current state (and If-Match)
            self._changes.publish([transition_event(transition, lead, actor)])
            return self._view(transition.lead)
        raise RuntimeError(f"lead {lead_id} kept changing; gave up after {ATTEMPTS} attempts")

    def set_favorite(self, partner_id: str, lead_id: str, favorite: bool) -> None:
        """The heart: a bookmark, not a lifecycle action (no version bump, no history)."""
        if not self._store.set_favorite(partner_id, lead_id, favorite):
            raise LeadNotFound(lead_id)
