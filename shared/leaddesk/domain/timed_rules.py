"""The timed rules: expiry, the expiring-soon reminder, flame cooling, the informational archive.

Pure, like the rest of the lifecycle: "now" is passed in (the sweep takes it from its
schedule's event). See docs/product.md, "Timed rules".
"""

from __future__ import annotations

import calendar
from datetime import datetime, timedelta

from leaddesk.domain.lifecycle import SYSTEM_ACTOR, Action, Transition, transition
from leaddesk.domain.models import Flame, Lead, LeadStatus, Outcome

FLAME_HOURS = 72
REMINDER_DAYS_BEFORE_EXPIRY = 2
INFORMATIONAL_MONTHS = 6
DEFAULT_EXPIRY_DAYS = 14


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
            transition(
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
            transition(
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
        step = transition(current, Action.COOL_FLAME, SYSTEM_ACTOR, now, {"flame": Flame.COOLING})
        transitions.append(step)
        current = step.lead
    if Action.REMIND_EXPIRY in due:
        step = transition(
            current,
            Action.REMIND_EXPIRY,
            SYSTEM_ACTOR,
            now,
            {"expiry_reminded_at": now},
            expires_at=expires_at(current, expiry_days),
        )
        transitions.append(step)
    return transitions
