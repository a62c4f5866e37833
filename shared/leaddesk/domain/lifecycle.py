"""The lead lifecycle (SPEC §3): one pure state machine for people's actions and timed rules.

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

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any, Self

import pycountry
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from leaddesk.domain.models import (
    Budget,
    CloseReason,
    Closure,
    ErrorReason,
    Evaluation,
    FieldChange,
    Flame,
    HistoryEntry,
    Lead,
    LeadStatus,
    Need,
    Outcome,
    Qualification,
    TeamMember,
    Timeline,
)

SYSTEM_ACTOR = "system"
FLAME_HOURS = 72
REMINDER_DAYS_BEFORE_EXPIRY = 2
INFORMATIONAL_MONTHS = 6
DEFAULT_EXPIRY_DAYS = 14


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


# --- request payloads (the API's bodies; validated at the boundary) -------------------------
class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _currency(value: str) -> str:
    code = value.upper()
    if len(code) != 3 or pycountry.currencies.get(alpha_3=code) is None:
        raise ValueError(f"{value!r} is not an ISO 4217 currency code")
    return code


class AcceptRequest(_Body):
    deal_name: str = Field(min_length=1, max_length=200)
    estimated_value: Decimal = Field(ge=0, le=Decimal("1e12"), max_digits=16, decimal_places=2)
    currency: str = Field(default="USD", description="ISO 4217")
    estimated_close_date: date = Field(description="The estimated purchase timeframe")
    notes: str | None = Field(default=None, max_length=4000, description="Recommended")
    crm_id: str | None = Field(default=None, max_length=200)
    campaign_id: str | None = Field(default=None, max_length=200)
    team: list[TeamMember] = Field(default_factory=list, max_length=50)

    _check_currency = field_validator("currency")(_currency)


def _notes_for_other(notes: str | None, info: ValidationInfo) -> str | None:
    reason = info.data.get("reason")
    if reason is not None and reason.value == "other" and not notes:
        raise ValueError("notes are required when the reason is `other`")
    return notes


ReasonNotes = Field(default=None, max_length=4000, validate_default=True, description="Required for `other`")


class DeclineRequest(_Body):
    reason: CloseReason
    notes: str | None = ReasonNotes

    _check_notes = field_validator("notes")(_notes_for_other)


class LostRequest(_Body):
    reason: CloseReason
    notes: str | None = ReasonNotes

    _check_notes = field_validator("notes")(_notes_for_other)


class CloseAsErrorRequest(_Body):
    reason: ErrorReason
    notes: str | None = ReasonNotes

    _check_notes = field_validator("notes")(_notes_for_other)


class EditRequest(_Body):
    """Only the fields sent change; `team_add` / `team_remove` (emails) edit the team."""

    deal_name: str | None = Field(default=None, min_length=1, max_length=200)
    estimated_close_date: date | None = None
    estimated_value: Decimal | None = Field(
        default=None, ge=0, le=Decimal("1e12"), max_digits=16, decimal_places=2
    )
    currency: str | None = Field(default=None, description="ISO 4217")
    notes: str | None = Field(default=None, max_length=4000)
    crm_id: str | None = Field(default=None, max_length=200)
    campaign_id: str | None = Field(default=None, max_length=200)
    team_add: list[TeamMember] = Field(default_factory=list, max_length=50)
    team_remove: list[str] = Field(default_factory=list, max_length=50, description="Emails to remove")

    @field_validator("currency")
    @classmethod
    def _check_currency(cls, value: str | None) -> str | None:
        return None if value is None else _currency(value)

    @model_validator(mode="after")
    def _changes_something(self) -> Self:
        if not self.model_fields_set - {"team_add", "team_remove"} and not (
            self.team_add or self.team_remove
        ):
            raise ValueError("nothing to change: send at least one field")
        return self


class QualifyRequest(_Body):
    customer_responded: bool
    notes: str | None = Field(default=None, max_length=4000)


class EvaluateRequest(_Body):
    """BANT; send what is known, the step is complete once all four are recorded."""

    budget: Budget | None = None
    authority: bool | None = Field(default=None, description="Decision maker identified (yes/no)")
    need: Need | None = None
    timeline: Timeline | None = None
    notes: str | None = Field(default=None, max_length=4000)

    @model_validator(mode="after")
    def _records_something(self) -> Self:
        if None not in (self.budget, self.authority, self.need, self.timeline) or self.model_fields_set - {
            "notes"
        }:
            return self
        raise ValueError("send at least one of budget, authority, need, timeline")


class WonRequest(_Body):
    notes: str | None = Field(default=None, max_length=4000)


class ConvertRequest(_Body):
    opportunity_id: str = Field(min_length=1, max_length=200, description="The created opportunity's id")
    notes: str | None = Field(default=None, max_length=4000)


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


def _transition(
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
    return _transition(
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
    return _transition(lead, action, actor, now, changes, notes=closure.notes if closure else None)


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
    return _transition(lead, Action.EDIT, actor, now, changes, notes=body.notes)


def qualify(lead: Lead, body: QualifyRequest, actor: str, now: datetime) -> Transition:
    _require_state(lead, Action.QUALIFY)
    record = Qualification(customer_responded=body.customer_responded, notes=body.notes, recorded_at=now)
    return _transition(lead, Action.QUALIFY, actor, now, {"qualification": record}, notes=body.notes)


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
    return _transition(
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
    return _transition(
        lead,
        Action.WON,
        actor,
        now,
        {"status": LeadStatus.ARCHIVED, "outcome": Outcome.WON},
        notes=body.notes,
    )


def convert(lead: Lead, body: ConvertRequest, actor: str, now: datetime) -> Transition:
    _gated(lead, Action.CONVERT)
    return _transition(
        lead,
        Action.CONVERT,
        actor,
        now,
        {"status": LeadStatus.ARCHIVED, "outcome": Outcome.CONVERTED, "opportunity_id": body.opportunity_id},
        notes=body.notes,
        opportunity_id=body.opportunity_id,
    )


# --- timed rules ----------------------------------------------------------------------------
def add_months(moment: datetime, months: int) -> datetime:
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def expires_at(lead: Lead, expiry_days: int) -> datetime:
    return lead.created_at + timedelta(days=expiry_days)


def reminder_at(lead: Lead, expiry_days: int) -> datetime:
    return expires_at(lead, expiry_days) - timedelta(days=REMINDER_DAYS_BEFORE_EXPIRY)


def flame_cools_at(lead: Lead) -> datetime:
    return lead.created_at + timedelta(hours=FLAME_HOURS)


def ages_out_at(lead: Lead) -> datetime:
    return add_months(lead.created_at, INFORMATIONAL_MONTHS)


def _pending(lead: Lead, expiry_days: int) -> list[tuple[datetime, Action]]:
    """The timed rules still ahead of this lead, with when each falls due."""
    if lead.status is LeadStatus.INFORMATIONAL:
        return [(ages_out_at(lead), Action.AGE_OUT)]
    if lead.status is not LeadStatus.RECEIVED:
        return []
    pending = [(expires_at(lead, expiry_days), Action.EXPIRE)]
    reminder = reminder_at(lead, expiry_days)
    if lead.expiry_reminded_at is None and reminder > lead.created_at:
        pending.append((reminder, Action.REMIND_EXPIRY))
    if lead.flame is Flame.HOT:
        pending.append((flame_cools_at(lead), Action.COOL_FLAME))
    return pending


def next_due(lead: Lead, expiry_days: int) -> datetime | None:
    """When the sweep must next look at this lead (None: no timed rule is pending)."""
    pending = _pending(lead, expiry_days)
    return min(at for at, _ in pending) if pending else None


def run_timed_rules(lead: Lead, now: datetime, expiry_days: int) -> list[Transition]:
    """Every timed rule due at `now`, applied in order; [] when none is due.

    Expiry wins over the rules it makes moot (a reminder or a cooling flame of a lead that
    has already expired is not sent).
    """
    due = {action for at, action in _pending(lead, expiry_days) if at <= now}
    if not due:
        return []
    if Action.EXPIRE in due:
        return [
            _transition(
                lead,
                Action.EXPIRE,
                SYSTEM_ACTOR,
                now,
                {"status": LeadStatus.ARCHIVED, "outcome": Outcome.EXPIRED, "flame": Flame.NONE},
                notify="referrer",
            )
        ]
    if Action.AGE_OUT in due:
        return [
            _transition(
                lead,
                Action.AGE_OUT,
                SYSTEM_ACTOR,
                now,
                {"status": LeadStatus.ARCHIVED, "outcome": Outcome.AGED_OUT},
            )
        ]
    transitions: list[Transition] = []
    current = lead
    if Action.COOL_FLAME in due:
        step = _transition(current, Action.COOL_FLAME, SYSTEM_ACTOR, now, {"flame": Flame.COOLING})
        transitions.append(step)
        current = step.lead
    if Action.REMIND_EXPIRY in due:
        step = _transition(
            current,
            Action.REMIND_EXPIRY,
            SYSTEM_ACTOR,
            now,
            {"expiry_reminded_at": now},
            expires_at=expires_at(current, expiry_days).isoformat(),
        )
        transitions.append(step)
    return transitions


# The person-driven actions and their request bodies, in one table the API maps from.
PERSON_ACTIONS: dict[Action, Any] = {
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
