"""The typed query of a lead list: `GET /leads`' parameters and the filters of an export.

One model validates every parameter (a bad one answers 400 naming it) and builds the store's
`LeadQuery`. Filters take several values (OR) as a repeated parameter or comma-separated; an
empty value means no filter.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any

import pycountry
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from leaddesk.domain.filters import DEFAULT_ORDER, LeadQuery, Order, Sort
from leaddesk.domain.models import (
    CallToAction,
    EmailValidity,
    LeadQuality,
    LeadSourceKind,
    LeadStatus,
    LeadType,
    PhoneValidity,
    Tab,
)
from leaddesk.domain.text import clean_text


def _several(raw: Any) -> Any:
    """`a,b`, `["a", "b"]` and `["a,b"]` all mean a OR b; blanks are dropped; nothing left is no filter."""
    if raw is None:
        return None
    parts = raw if isinstance(raw, list) else [raw]
    values = [clean_text(v) for part in parts for v in str(part).split(",")]
    return [v for v in values if v] or None


_DECODED_PLUS = re.compile(r"(T[\d:.]+) (\d{2}(?::?\d{2})?)$")


def _instant(raw: Any) -> Any:
    """ISO 8601; a `+` decoded as a space from a query string is put back; naive times are UTC."""
    if isinstance(raw, str):
        return _DECODED_PLUS.sub(r"\1+\2", raw.strip())
    return raw


def _blank(value: Any) -> bool:
    if isinstance(value, list):
        return all(_blank(item) for item in value)
    return isinstance(value, str) and not value.strip()


Several = BeforeValidator(_several)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _one_of(vocabulary: type[Any]) -> str:
    return "Any of (repeat the parameter or separate with commas): " + ", ".join(m.value for m in vocabulary)


class LeadFilter(BaseModel):
    """Which leads of a tab, in which order: shared by the list and by exports."""

    model_config = ConfigDict(extra="forbid")

    tab: Tab = Field(default=Tab.MARKETPLACE, description="marketplace, qualified or favorites")
    sort: Sort = Field(
        default=Sort.CREATED_AT,
        description="created_at (default, newest first), customer_name, estimated_value",
    )
    order: Order | None = Field(default=None, description="asc or desc (default depends on the sort)")
    call_to_action: Annotated[list[CallToAction] | None, Several] = Field(
        default=None, description=_one_of(CallToAction)
    )
    country: Annotated[list[str] | None, Several] = Field(
        default=None, description="ISO 3166-1 alpha-2 codes (repeat or separate with commas)"
    )
    customer_name: Annotated[list[str] | None, Several] = Field(
        default=None, description="Case-insensitive substrings of the company name (OR)"
    )
    lead_source: Annotated[list[LeadSourceKind] | None, Several] = Field(
        default=None, description=_one_of(LeadSourceKind)
    )
    lead_type: Annotated[list[LeadType] | None, Several] = Field(default=None, description=_one_of(LeadType))
    lead_quality: Annotated[list[LeadQuality] | None, Several] = Field(
        default=None, description=_one_of(LeadQuality)
    )
    status: Annotated[list[LeadStatus] | None, Several] = Field(default=None, description=_one_of(LeadStatus))
    email_validity: Annotated[list[EmailValidity] | None, Several] = Field(
        default=None, description=_one_of(EmailValidity)
    )
    phone_validity: Annotated[list[PhoneValidity] | None, Several] = Field(
        default=None, description=_one_of(PhoneValidity)
    )
    created_from: Annotated[datetime | None, BeforeValidator(_instant)] = Field(
        default=None, description="ISO 8601, inclusive (a time without offset is UTC)"
    )
    created_to: Annotated[datetime | None, BeforeValidator(_instant)] = Field(
        default=None, description="ISO 8601, inclusive (a time without offset is UTC)"
    )
    include_test: bool = Field(default=False, description="Also list test leads")

    @model_validator(mode="before")
    @classmethod
    def _empty_is_absent(cls, data: Any) -> Any:
        """`?status=` or `?sort=` says nothing: an empty value is the parameter not given."""
        if not isinstance(data, dict):
            return data
        return {key: value for key, value in data.items() if not _blank(value)}

    @field_validator("country")
    @classmethod
    def _countries(cls, codes: list[str] | None) -> list[str] | None:
        if codes is None:
            return None
        upper = [code.upper() for code in codes]
        for code in upper:
            if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
                raise ValueError(f"{code!r} is not an ISO 3166-1 alpha-2 country code")
        return upper

    @field_validator("created_from", "created_to")
    @classmethod
    def _utc(cls, moment: datetime | None) -> datetime | None:
        if moment is None:
            return None
        try:
            moment = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
        except OverflowError as error:  # e.g. 0001-01-01T00:00+01:00 is before the first UTC instant
            raise ValueError("is outside the range of dates (1970 to 9999)") from error
        if moment < EPOCH:
            raise ValueError("is before 1970-01-01, older than any lead id can be")
        return moment

    @field_validator("created_to")
    @classmethod
    def _after_from(cls, moment: datetime | None, info: ValidationInfo) -> datetime | None:
        start = info.data.get("created_from")
        if moment is not None and start is not None and moment < start:
            raise ValueError("is before created_from")
        return moment

    def to_query(self) -> LeadQuery:
        equals: dict[str, frozenset[str]] = {}
        for name in (
            "call_to_action",
            "lead_source",
            "lead_type",
            "lead_quality",
            "status",
            "email_validity",
            "phone_validity",
            "country",
        ):
            values = getattr(self, name)
            if values is not None:
                equals[name] = frozenset(str(v) for v in values)
        return LeadQuery(
            tab=self.tab,
            equals=equals,
            customer_name=tuple(v.lower() for v in self.customer_name or ()),
            created_from=self.created_from,
            created_to=self.created_to,
            include_test=self.include_test,
            sort=self.sort,
            order=self.order or DEFAULT_ORDER[self.sort],
        )


class LeadListQuery(LeadFilter):
    """`GET /leads`: the filter plus the page wanted."""

    limit: int = Field(default=25, ge=1, le=100, description="Page size")
    cursor: str | None = Field(
        default=None, max_length=2048, description="From the previous page's next_cursor"
    )
