"""The bodies of people's lifecycle actions, validated at the API's boundary.

What each action needs is the product's rule (see docs/product.md, "Lifecycle"): accept needs a
deal name, an estimated value (with an ISO 4217 currency) and an estimated close date; decline,
lost and close as error need a reason (and notes when the reason is `other`); evaluate records
BANT; convert records the created opportunity.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Self

import pycountry
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from leaddesk.domain.models import Budget, CloseReason, ErrorReason, Need, TeamMember, Timeline


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
