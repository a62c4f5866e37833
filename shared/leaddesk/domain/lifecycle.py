"""The lead lifecycle (docs/product.md#lifecycle): one pure state machine for people's actions.

Every function takes a lead and returns a `Transition` (the new lead + the event to publish);
nothing here reads a clock or talks to AWS. A rule that forbids a change raises `NotAllowed`
(HTTP 409) carrying the lead's current state and, for won/convert, the missing steps.

    received ──accept──► accepted ──won/convert (gated)──► archived/won|converted
       │ decline ─► archived/declined      └─lost─► archived/lost
       │ 14 days ─► archived/expired
    received|accepted ──close as error──► archived/error
    informational ──6 months──► archived/aged_out
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from leaddesk.domain.models import (
    Closure,
    Evaluation,
    FieldChange,
    Flame,
    HistoryEntry,
    Lead,
    LeadStatus,
    Outcome,
    Qualification,
)

if TYPE_CHECKING:
    from leaddesk.domain.requests import (
        AcceptRequest,
        CloseAsErrorRequest,
        ConvertRequest,
        DeclineRequest,
        EditRequest,
        EvaluateRequest,
        LostRequest,
        QualifyRequest,
        WonRequest,
    )

SYSTEM_ACTOR = "system"


class Action(StrEnum):
    ACCEPT = "accept"
    DECLINE = "decline"
    EDIT = "edit"
    QUALIFY = "qualify"
    EVALUATE = "evaluate"
    WON = "won"
    LOST = "lost"
    CONVERT = "convert"
    CLOSE_AS_ERROR = "close_as_error"
    # timed rules (actor `system`)
    EXPIRE = "expire"
    COOL_FLAME = "cool_flame"
    REMIND_EXPIRY = "remind_expiry"
    AGE_OUT = "age_out"


# The event each action publishes (source `leaddesk`).
EVENT_TYPES: dict[Action, str] = {
    Action.ACCEPT: "lead.accepted",
    Action.DECLINE: "lead.declined",
    Action.EDIT: "lead.edited",
    Action.QUALIFY: "lead.qualified",
    Action.EVALUATE: "lead.evaluated",
    Action.WON: "lead.won",
    Action.LOST: "lead.lost",
    Action.CONVERT: "lead.converted",
    Action.CLOSE_AS_ERROR: "lead.archived",
    Action.EXPIRE: "lead.expired",
    Action.COOL_FLAME: "lead.flame_cooled",
    Action.REMIND_EXPIRY: "lead.expiring_soon",
    Action.AGE_OUT: "lead.archived",
}

# Which status each person's action starts from.
ALLOWED_FROM: dict[Action, frozenset[LeadStatus]] = {
    Action.ACCEPT: frozenset({LeadStatus.RECEIVED}),
    Action.DECLINE: frozenset({LeadStatus.RECEIVED}),
    Action.EDIT: frozenset({LeadStatus.ACCEPTED}),
    Action.QUALIFY: frozenset({LeadStatus.ACCEPTED}),
    Action.EVALUATE: frozenset({LeadStatus.ACCEPTED}),
    Action.WON: frozenset({LeadStatus.ACCEPTED}),
    Action.LOST: frozenset({LeadStatus.ACCEPTED}),
    Action.CONVERT: frozenset({LeadStatus.ACCEPTED}),
    Action.CLOSE_AS_ERROR: frozenset({LeadStatus.RECEIVED, LeadStatus.ACCEPTED}),
}


class NotAllowed(Exception):
    """The action is not allowed in the lead's current state (HTTP 409)."""

    def __init__(self, lead: Lead, action: Action, message: str, missing: list[str] | None = None) -> None:
        super().__init__(message)
        self.lead = lead
        self.action = action
        self.missing = missing or []


# --- transitions -------------------------------------------------------------------------
@dataclass(frozen=True)
class Transition:
    lead: Lead  # the new state (version + 1, history appended)
    action: Action
    event_type: str
    event_extra: dict[str, Any] = field(default_factory=dict)


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, StrEnum):
        return value.value
    return value


def transition(
    lead: Lead,
    action: Action,
    actor: str,
    now: datetime,
    changes: dict[str, Any],
    notes: str | None = None,
    **extra: Any,
) -> Transition:
    recorded = [
        FieldChange(field=name, old=_plain(getattr(lead, name)), new=_plain(value))
        for name, value in changes.items()
        if name not in {"history", "updated_at", "version"} and getattr(lead, name) != value
    ]
    new_status = changes.get("status", lead.status)
    new_outcome = changes.get("outcome", lead.outcome)
    entry = HistoryEntry(
        at=now,
        actor=actor,
        action=action.value,
        from_status=lead.status,
        to_status=new_status,
        from_outcome=lead.outcome,
        to_outcome=new_outcome,
        changes=recorded,
        notes=notes,
    )
    updated = lead.model_copy(
        update={**changes, "version": lead.version + 1, "updated_at": now, "history": [*lead.history, entry]}
    )
    # model_copy skips validation: re-validate so a rule can never store an invalid lead.
    updated = Lead.model_validate(updated.model_dump())
    return Transition(updated, action, EVENT_TYPES[action], extra)


def signed(made: Transition, actor_name: str | None) -> Transition:
    """The transition with the person's name on its history entry (who made the change, as
    colleagues know them); unchanged when the identity carries no name."""
    if actor_name is None:
        return made
    *earlier, entry = made.lead.history
    history = [*earlier, entry.model_copy(update={"actor_name": actor_name})]
    return replace(made, lead=made.lead.model_copy(update={"history": history}))


def _require_state(lead: Lead, action: Action) -> None:
    if lead.status is LeadStatus.ARCHIVED:
        raise NotAllowed(lead, action, f"the lead is archived ({lead.outcome}); archived is terminal")
    allowed = ALLOWED_FROM[action]
    if lead.status not in allowed:
        states = " or ".join(sorted(s.value for s in allowed))
        raise NotAllowed(
            lead, action, f"{action.value} needs a {states} lead; this one is {lead.status.value}"
        )


def missing_steps(lead: Lead) -> list[str]:
    """What won/convert still need: both sub-steps, and the customer must have responded."""
    missing: list[str] = []
    if lead.qualification is None:
        missing.append("qualify")
    elif not lead.qualification.customer_responded:
        missing.append("customer_responded")
    if lead.evaluation is None or not lead.evaluation.complete:
        missing.append("evaluate")
    return missing


def accept(lead: Lead, body: AcceptRequest, actor: str, now: datetime) -> Transition:
    _require_state(lead, Action.ACCEPT)
    return transition(
        lead,
        Action.ACCEPT,
        actor,
        now,
        {
            "status": LeadStatus.ACCEPTED,
            "flame": Flame.NONE,
            "deal_name": body.deal_name,
            "estimated_value": body.estimated_value,
            "currency": body.currency,
            "estimated_close_date": body.estimated_close_date,
            "deal_notes": body.notes,
            "crm_id": body.crm_id,
            "campaign_id": body.campaign_id if body.campaign_id is not None else lead.campaign_id,
            "team": list(body.team),
        },
        notes=body.notes,
    )


def _archive(
    lead: Lead, action: Action, actor: str, now: datetime, outcome: Outcome, closure: Closure | None
) -> Transition:
    _require_state(lead, action)
    changes: dict[str, Any] = {"status": LeadStatus.ARCHIVED, "outcome": outcome, "flame": Flame.NONE}
    if closure is not None:
        changes["closure"] = closure
    return transition(lead, action, actor, now, changes, notes=closure.notes if closure else None)


def decline(lead: Lead, body: DeclineRequest, actor: str, now: datetime) -> Transition:
    return _archive(
        lead, Action.DECLINE, actor, now, Outcome.DECLINED, Closure(reason=body.reason, notes=body.notes)
    )


def lost(lead: Lead, body: LostRequest, actor: str, now: datetime) -> Transition:
    return _archive(
        lead, Action.LOST, actor, now, Outcome.LOST, Closure(reason=body.reason, notes=body.notes)
    )


def close_as_error(lead: Lead, body: CloseAsErrorRequest, actor: str, now: datetime) -> Transition:
    return _archive(
        lead,
        Action.CLOSE_AS_ERROR,
        actor,
        now,
        Outcome.ERROR,
        Closure(error_reason=body.reason, notes=body.notes),
    )


def edit(lead: Lead, body: EditRequest, actor: str, now: datetime) -> Transition:
    _require_state(lead, Action.EDIT)
    changes: dict[str, Any] = {}
    for name, target in (
        ("deal_name", "deal_name"),
        ("estimated_close_date", "estimated_close_date"),
        ("estimated_value", "estimated_value"),
        ("currency", "currency"),
        ("notes", "deal_notes"),
        ("crm_id", "crm_id"),
        ("campaign_id", "campaign_id"),
    ):
        if name in body.model_fields_set:
            changes[target] = getattr(body, name)
    if body.team_add or body.team_remove:
        removed = {email.lower() for email in body.team_remove}
        team = [m for m in lead.team if m.email.lower() not in removed]
        known = {m.email.lower() for m in team}
        for member in body.team_add:
            if member.email.lower() not in known:
                team.append(member)
                known.add(member.email.lower())
        changes["team"] = team
    return transition(lead, Action.EDIT, actor, now, changes, notes=body.notes)


def qualify(lead: Lead, body: QualifyRequest, actor: str, now: datetime) -> Transition:
    _require_state(lead, Action.QUALIFY)
    record = Qualification(customer_responded=body.customer_responded, notes=body.notes, recorded_at=now)
    return transition(lead, Action.QUALIFY, actor, now, {"qualification": record}, notes=body.notes)


def evaluate(lead: Lead, body: EvaluateRequest, actor: str, now: datetime) -> Transition:
    _require_state(lead, Action.EVALUATE)
    before = lead.evaluation
    record = Evaluation(
        budget=body.budget if body.budget is not None else (before.budget if before else None),
        authority=body.authority if body.authority is not None else (before.authority if before else None),
        need=body.need if body.need is not None else (before.need if before else None),
        timeline=body.timeline if body.timeline is not None else (before.timeline if before else None),
        notes=body.notes if body.notes is not None else (before.notes if before else None),
        recorded_at=now,
    )
    return transition(
        lead, Action.EVALUATE, actor, now, {"evaluation": record}, notes=body.notes, complete=record.complete
    )


def _gated(lead: Lead, action: Action) -> None:
    _require_state(lead, action)
    missing = missing_steps(lead)
    if missing:
        raise NotAllowed(
            lead, action, f"{action.value} needs the missing steps first: {', '.join(missing)}", missing
        )


def won(lead: Lead, body: WonRequest, actor: str, now: datetime) -> Transition:
    _gated(lead, Action.WON)
    return transition(
        lead,
        Action.WON,
        actor,
        now,
        {"status": LeadStatus.ARCHIVED, "outcome": Outcome.WON},
        notes=body.notes,
    )


def convert(lead: Lead, body: ConvertRequest, actor: str, now: datetime) -> Transition:
    _gated(lead, Action.CONVERT)
    return transition(
        lead,
        Action.CONVERT,
        actor,
        now,
        {"status": LeadStatus.ARCHIVED, "outcome": Outcome.CONVERTED, "opportunity_id": body.opportunity_id},
        notes=body.notes,
        opportunity_id=body.opportunity_id,
    )


# The person-driven actions and their request bodies, in one table the API maps from.
PERSON_ACTIONS: dict[Action, Callable[[Lead, Any, str, datetime], Transition]] = {
    Action.ACCEPT: accept,
    Action.DECLINE: decline,
    Action.EDIT: edit,
    Action.QUALIFY: qualify,
    Action.EVALUATE: evaluate,
    Action.WON: won,
    Action.LOST: lost,
    Action.CONVERT: convert,
    Action.CLOSE_AS_ERROR: close_as_error,
}
