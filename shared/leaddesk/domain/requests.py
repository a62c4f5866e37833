"""The bodies of people's lifecycle actions, validated at the API's boundary.

What each action needs is the product's rule (see docs/product.md, "Lifecycle"): accept needs a
deal name, an estimated value (with an ISO 4217 currency) and an estimated close date; decline,
lost and close as error need a reason (and notes when the reason is `other`); evaluate records
BANT; convert records the created opportunity.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Self

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    ValidationInfo,
    field_validator,
    model_validator,
)

from leaddesk.domain.models import (
    VISIBLE,
    Budget,
    CloseReason,
    ErrorReason,
    Need,
    NoteText,
    RequiredText,
    ShortText,
    TeamMember,
    Text,
    Timeline,
)
from leaddesk.domain.money import DEFAULT_CURRENCY, AmountSent, CurrencySent


def _iso_date(value: Any) -> Any:
    """`YYYY-MM-DD`, as the document says (not a number of seconds, as pydantic would also take)."""
    if isinstance(value, str) and _DATE.fullmatch(value):
        return date.fromisoformat(value)
    if isinstance(value, date):
        return value
    raise ValueError("expected a date as YYYY-MM-DD")


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
IsoDate = Annotated[date, BeforeValidator(_iso_date)]


class _Body(BaseModel):
    # No whitespace stripping here: `Text` normalises after the bounds the document states held.
    model_config = ConfigDict(extra="forbid")


class AcceptRequest(_Body):
    deal_name: RequiredText
    estimated_value: AmountSent
    currency: CurrencySent = Field(default=DEFAULT_CURRENCY, description="ISO 4217")
    estimated_close_date: IsoDate = Field(description="The estimated purchase timeframe")
    notes: NoteText | None = Field(default=None, description="Recommended")
    crm_id: ShortText | None = None
    campaign_id: ShortText | None = None
    team: list[TeamMember] = Field(default_factory=list, max_length=50)


def _notes_for_other(notes: str | None, info: ValidationInfo) -> str | None:
    reason = info.data.get("reason")
    if reason is not None and reason.value == "other" and not notes:
        raise ValueError("notes are required when the reason is `other`")
    return notes


ReasonNotes = Field(default=None, validate_default=True, description="Required for `other`")
# The same rule for the document: with the reason `other`, notes with a visible character.
NOTES_FOR_OTHER = ConfigDict(
    json_schema_extra={
        "if": {"properties": {"reason": {"const": "other"}}, "required": ["reason"]},
        "then": {"required": ["notes"], "properties": {"notes": {"type": "string", "pattern": VISIBLE}}},
    }
)


class DeclineRequest(_Body):
    model_config = NOTES_FOR_OTHER

    reason: CloseReason
    notes: NoteText | None = ReasonNotes

    _check_notes = field_validator("notes")(_notes_for_other)


class LostRequest(_Body):
    model_config = NOTES_FOR_OTHER

    reason: CloseReason
    notes: NoteText | None = ReasonNotes

    _check_notes = field_validator("notes")(_notes_for_other)


class CloseAsErrorRequest(_Body):
    model_config = NOTES_FOR_OTHER

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

    deal_name: RequiredText | None = None
    estimated_close_date: IsoDate | None = None
    estimated_value: AmountSent | None = None
    currency: CurrencySent | None = Field(default=None, description="ISO 4217")
    notes: NoteText | None = None
    crm_id: ShortText | None = None
    campaign_id: ShortText | None = None
    team_add: list[TeamMember] = Field(default_factory=list, max_length=50)
    team_remove: list[Text] = Field(default_factory=list, max_length=50, description="Emails to remove")

    @model_validator(mode="after")
    def _changes_something(self) -> Self:
        if not self.model_fields_set - {"team_add", "team_remove"} and not (
            self.team_add or self.team_remove
        ):
            raise ValueError("nothing to change: send at least one field")
        return self


class QualifyRequest(_Body):
    customer_responded: StrictBool
    notes: NoteText | None = None


class EvaluateRequest(_Body):
    """BANT; send what is known, the step is complete once all four are recorded."""

    model_config = ConfigDict(json_schema_extra=_one_of_required("budget", "authority", "need", "timeline"))

    budget: Budget | None = None
    authority: StrictBool | None = Field(default=None, description="Decision maker identified (yes/no)")
    need: Need | None = None
    timeline: Timeline | None = None
    notes: NoteText | None = None

    @model_validator(mode="after")
    def _records_something(self) -> Self:
        if None not in (self.budget, self.authority, self.need, self.timeline) or self.model_fields_set - {
            "notes"
        }:
            return self
        raise ValueError("send at least one of budget, authority, need, timeline")


class WonRequest(_Body):
    notes: NoteText | None = None


class ConvertRequest(_Body):
    opportunity_id: RequiredText = Field(description="The created opportunity's id")
    notes: NoteText | None = None
