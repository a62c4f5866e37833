"""Outbound events (source `leaddesk`): each built as its contract model (`domain.contract`).

Contact details of the customer stay out of the bus; consumers that need them read the lead by id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from leaddesk.domain.contract import (
    CHANGE_MODELS,
    EventDetail,
    ExportCompleted,
    ExportFailed,
    LeadReceived,
    LeadsExpiringSoon,
)
from leaddesk.domain.lifecycle import Transition
from leaddesk.domain.models import Lead

if TYPE_CHECKING:  # the export's modules stay out of the other functions' cold start
    from leaddesk.domain.exports import ExportJob


@dataclass(frozen=True)
class OutboundEvent:
    detail: EventDetail
    key: str  # what the caller uses to map a failure back (a record, lead or export id)

    @property
    def detail_type(self) -> str:
        return self.detail.detail_type


def lead_fields(lead: Lead) -> dict[str, Any]:
    """The lead's fields every lead event carries (the contract's `LeadDetail`)."""
    return {
        "partner_id": lead.partner_id,
        "lead_id": lead.lead_id,
        "event_id": lead.event_id,
        "lead_type": lead.lead_type,
        "tab": lead.tab,
        "status": lead.status,
        "outcome": lead.outcome,
        "lead_source": lead.lead_source,
        "call_to_action": lead.call_to_action,
        "flame": lead.flame,
        "contact_requested": lead.contact_requested,
        "do_not_contact": lead.do_not_contact,
        "is_test": lead.is_test,
        "lead_quality": lead.lead_quality,
        "country": lead.customer.country,
        "company": lead.customer.company,
        "assigned_contact": lead.assigned_contact,
        "referrer": lead.referrer,
        "created_at": lead.created_at,
        "version": lead.version,
    }


def lead_received(lead: Lead, key: str) -> OutboundEvent:
    return OutboundEvent(LeadReceived(**lead_fields(lead)), key)


def transition_event(transition: Transition, before: Lead, actor: str) -> OutboundEvent:
    """The event a lifecycle change publishes: the lead's new state and where it came from."""
    model = CHANGE_MODELS[transition.event_type]
    detail = model(
        **lead_fields(transition.lead),
        action=transition.action,
        actor=actor,
        from_status=before.status,
        from_outcome=before.outcome,
        **transition.event_extra,
    )
    return OutboundEvent(detail, transition.lead.lead_id)


def export_completed(job: ExportJob, row_count: int) -> OutboundEvent:
    detail = ExportCompleted(
        partner_id=job.partner_id,
        export_id=job.export_id,
        requested_by=job.requested_by,
        requester_email=job.requester_email,
        row_count=row_count,
        completed_at=job.finished_at,
    )
    return OutboundEvent(detail, job.export_id)


def export_failed(job: ExportJob, reason: str) -> OutboundEvent:
    detail = ExportFailed(
        partner_id=job.partner_id,
        export_id=job.export_id,
        requested_by=job.requested_by,
        requester_email=job.requester_email,
        reason=reason,
    )
    return OutboundEvent(detail, job.export_id)


def reminders_due(partner_id: str, run_at: datetime, lead_ids: list[str]) -> OutboundEvent:
    """The leads of one partner a sweep run found expiring soon: the notifier emails each of
    their recipients once for the run, one email listing that recipient's leads."""
    return OutboundEvent(
        LeadsExpiringSoon(partner_id=partner_id, run_at=run_at, lead_ids=lead_ids), partner_id
    )
