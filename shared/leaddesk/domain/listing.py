"""The typed query of a lead list: `GET /leads`' parameters and the filters of an export.

One model validates every parameter (a bad one answers 400 naming it) and builds the store's
`LeadQuery`. Filters take several values (OR) as a repeated parameter or comma-separated; an
empty text filter is no filter, an empty value of a vocabulary is refused like any unknown one.
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
    WithJsonSchema,
    field_validator,
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


def _values(raw: Any) -> list[str]:
    parts = raw if isinstance(raw, list) else [raw]
    return [clean_text(v) for part in parts for v in str(part).split(",")]


def _several(raw: Any) -> Any:
    """`a,b`, `["a", "b"]` and `["a,b"]` all mean a OR b. A blank among values of a vocabulary is
    refused like any value outside it (the document lists the vocabulary)."""
    return None if raw is None else _values(raw)


def _several_texts(raw: Any) -> Any:
    """Free-text values (OR); blanks say nothing and are dropped, and none left is no filter."""
    return None if raw is None else [v for v in _values(raw) if v] or None


_DECODED_PLUS = re.compile(r"(T[\d:.]+) (\d{2}(?::?\d{2})?)$")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)  # no lead id (a ULID) is older
LAST_INSTANT = datetime.max.replace(tzinfo=UTC)


def _instant(raw: Any) -> Any:
    """An ISO 8601 date or date-time (a `+` decoded as a space from a query string is put back;
    naive times are UTC), as an instant in UTC. A bound before 1970 or past year 9999 in UTC is
    clamped: it excludes no lead, so it is a valid bound, not an error."""
    if isinstance(raw, datetime):
        return raw
    if not isinstance(raw, str):  # a JSON number is no date either (not a Unix time)
        raise ValueError("expected an ISO 8601 date or date-time, e.g. 2026-11-01 or 2026-11-01T09:00:00Z")
    text = _DECODED_PLUS.sub(r"\1+\2", raw.strip())
    if not _ISO_DATE.match(text):  # numbers are not timestamps here (`0.5` is no date)
        raise ValueError("expected an ISO 8601 date or date-time, e.g. 2026-11-01 or 2026-11-01T09:00:00Z")
    moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    try:
        moment = moment.astimezone(UTC)
    except OverflowError:  # before the first or after the last instant Python can hold in UTC
        return EPOCH if moment.year < 1970 else LAST_INSTANT
    return max(moment, EPOCH)


# What the document says of a bound: a date or a date-time (the validator's rule, not Python's).
INSTANT_SCHEMA = {"anyOf": [{"type": "string", "format": "date-time"}, {"type": "string", "format": "date"}]}
Instant = Annotated[datetime, BeforeValidator(_instant), WithJsonSchema(INSTANT_SCHEMA)]
Several = BeforeValidator(_several)
COUNTRY_CODES = sorted(str(country.alpha_2) for country in pycountry.countries)
CountryCode = Annotated[str, WithJsonSchema({"type": "string", "enum": COUNTRY_CODES})]
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
    country: Annotated[list[CountryCode] | None, Several] = Field(
        default=None, description="ISO 3166-1 alpha-2 codes, any case (repeat or separate with commas)"
    )
    customer_name: Annotated[list[str] | None, BeforeValidator(_several_texts)] = Field(
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
    created_from: Instant | None = Field(
        default=None, description="ISO 8601 date or date-time, inclusive (a time without offset is UTC)"
    )
    created_to: Instant | None = Field(
        default=None,
        description="ISO 8601 date or date-time, inclusive (before created_from: nothing matches)",
    )
    include_test: bool = Field(default=False, description="Also list test leads")

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
