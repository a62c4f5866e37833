"""The bodies of people's lifecycle actions, validated at the API's boundary.

What each action needs is the product's rule (see docs/product.md, "Lifecycle"): accept needs a
deal name, an estimated value (with an ISO 4217 currency) and an estimated close date; decline,
lost and close as error need a reason (and notes when the reason is `other`); evaluate records
BANT; convert records the created opportunity.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from leaddesk.domain.models import (
    Budget,
    CloseReason,
    ErrorReason,
    Need,
    NoteText,
    TeamMember,
    Text,
    Timeline,
)
from leaddesk.domain.money import DEFAULT_CURRENCY, EstimatedValue, currency_code


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class AcceptRequest(_Body):
    deal_name: Text = Field(min_length=1, max_length=200)
    estimated_value: EstimatedValue
    currency: str = Field(default=DEFAULT_CURRENCY, description="ISO 4217")
    estimated_close_date: date = Field(description="The estimated purchase timeframe")
    notes: NoteText | None = Field(default=None, max_length=4000, description="Recommended")
    crm_id: Text | None = Field(default=None, max_length=200)
    campaign_id: Text | None = Field(default=None, max_length=200)
    team: list[TeamMember] = Field(default_factory=list, max_length=50)

    _check_currency = field_validator("currency")(currency_code)


def _notes_for_other(notes: str | None, info: ValidationInfo) -> str | None:
    reason = info.data.get("reason")
    if reason is not None and reason.value == "other" and not notes:
        raise ValueError("notes are required when the reason is `other`")
    return notes


ReasonNotes = Field(default=None, max_length=4000, validate_default=True, description="Required for `other`")


class DeclineRequest(_Body):
    reason: CloseReason
    notes: NoteText | None = ReasonNotes

    _check_notes = field_validator("notes")(_notes_for_other)


class LostRequest(_Body):
    reason: CloseReason
    notes: NoteText | None = ReasonNotes

    _check_notes = field_validator("notes")(_notes_for_other)


class CloseAsErrorRequest(_Body):
    reason: ErrorReason
    notes: NoteText | None = ReasonNotes

    _check_notes = field_validator("notes")(_notes_for_other)


def _one_of_required(*names: str, lists: tuple[str, ...] = ()) -> dict[str, Any]:
    """JSON Schema for "at least one of these fields" (lists: sent and not empty), so the document
    refuses exactly the bodies the model's validator refuses."""
    alternatives: list[dict[str, Any]] = [{"required": [name]} for name in names]
    alternatives += [{"required": [name], "properties": {name: {"minItems": 1}}} for name in lists]
    return {"anyOf": alternatives}


class EditRequest(_Body):
    """Only the fields sent change; `team_add` / `team_remove` (emails) edit the team."""

    model_config = ConfigDict(
        json_schema_extra=_one_of_required(
            "deal_name",
            "estimated_close_date",
            "estimated_value",
            "currency",
            "notes",
            "crm_id",
            "campaign_id",
            lists=("team_add", "team_remove"),
        )
    )

    deal_name: Text | None = Field(default=None, min_length=1, max_length=200)
    estimated_close_date: date | None = None
    estimated_value: EstimatedValue | None = None
    currency: str | None = Field(default=None, description="ISO 4217")
    notes: NoteText | None = Field(default=None, max_length=4000)
    crm_id: Text | None = Field(default=None, max_length=200)
    campaign_id: Text | None = Field(default=None, max_length=200)
    team_add: list[TeamMember] = Field(default_factory=list, max_length=50)
    team_remove: list[Text] = Field(default_factory=list, max_length=50, description="Emails to remove")

    @field_validator("currency")
    @classmethod
    def _check_currency(cls, value: str | None) -> str | None:
        return None if value is None else currency_code(value)

    @model_validator(mode="after")
    def _changes_something(self) -> Self:
        if not self.model_fields_set - {"team_add", "team_remove"} and not (
            self.team_add or self.team_remove
        ):
            raise ValueError("nothing to change: send at least one field")
        return self


class QualifyRequest(_Body):
    customer_responded: bool
    notes: NoteText | None = Field(default=None, max_length=4000)


class EvaluateRequest(_Body):
    """BANT; send what is known, the step is complete once all four are recorded."""

    model_config = ConfigDict(json_schema_extra=_one_of_required("budget", "authority", "need", "timeline"))

    budget: Budget | None = None
    authority: bool | None = Field(default=None, description="Decision maker identified (yes/no)")
    need: Need | None = None
    timeline: Timeline | None = None
    notes: NoteText | None = Field(default=None, max_length=4000)

    @model_validator(mode="after")
    def _records_something(self) -> Self:
        if None not in (self.budget, self.authority, self.need, self.timeline) or self.model_fields_set - {
            "notes"
        }:
            return self
        raise ValueError("send at least one of budget, authority, need, timeline")


class WonRequest(_Body):
    notes: NoteText | None = Field(default=None, max_length=4000)


class ConvertRequest(_Body):
    opportunity_id: Text = Field(min_length=1, max_length=200, description="The created opportunity's id")
    notes: NoteText | None = Field(default=None, max_length=4000)
