"""Outbound events (source `leaddesk`): what a consumer needs without reading the table.

Contact details stay out of the bus; consumers that need them read the lead by id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from leaddesk.domain.lifecycle import Transition
from leaddesk.domain.models import Lead

LEAD_RECEIVED = "lead.received"
LEAD_EXPIRING_SOON = "lead.expiring_soon"
REMINDERS_DUE = "leads.expiring_soon"  # one per partner and sweep run: the leads it reminded of


@dataclass(frozen=True)
class OutboundEvent:
    detail_type: str  # e.g. "lead.received"
    detail: dict[str, Any]
    key: str  # what the caller uses to map a failure back (a record or lead id)


def lead_event_detail(lead: Lead, **extra: Any) -> dict[str, Any]:
    return {
        "partner_id": lead.partner_id,
        "lead_id": lead.lead_id,
        "event_id": lead.event_id,
        "lead_type": lead.lead_type.value,
        "tab": lead.tab.value,
        "status": lead.status.value,
        "outcome": lead.outcome.value if lead.outcome else None,
        "lead_source": lead.lead_source.value if lead.lead_source else None,
        "call_to_action": lead.call_to_action.value if lead.call_to_action else None,
        "flame": lead.flame.value,
        "contact_requested": lead.contact_requested,
        "do_not_contact": lead.do_not_contact,
        "is_test": lead.is_test,
        "lead_quality": lead.lead_quality.value,
        "country": lead.customer.country,
        "company": lead.customer.company,
        "assigned_contact": lead.assigned_contact.model_dump() if lead.assigned_contact else None,
        "referrer": lead.referrer.model_dump() if lead.referrer else None,
        "created_at": lead.created_at.isoformat(),
        "version": lead.version,
        **extra,
    }


def lead_received(lead: Lead, key: str) -> OutboundEvent:
    return OutboundEvent(LEAD_RECEIVED, lead_event_detail(lead), key)


def transition_event(transition: Transition, before: Lead, actor: str) -> OutboundEvent:
    """The event a lifecycle change publishes: the lead's new state and where it came from."""
    detail = lead_event_detail(
        transition.lead,
        action=transition.action.value,
        actor=actor,
        from_status=before.status.value,
        from_outcome=before.outcome.value if before.outcome else None,
        **transition.event_extra,
    )
    return OutboundEvent(transition.event_type, detail, transition.lead.lead_id)


def reminders_due(partner_id: str, run_at: datetime, lead_ids: list[str]) -> OutboundEvent:
    """The leads of one partner a sweep run found expiring soon: the notifier emails each of
    their recipients once for the run, one email listing that recipient's leads."""
    detail = {"partner_id": partner_id, "run_at": run_at.isoformat(), "lead_ids": lead_ids}
    return OutboundEvent(REMINDERS_DUE, detail, partner_id)
