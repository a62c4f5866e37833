"""The typed query of a lead list: `GET /leads`' parameters and the filters of an export.

One model validates every parameter (a bad one answers 400 naming it) and builds the store's
`LeadQuery`; its filter fields are made from the registry (`leaddesk.domain.list_filters`), one
per entry. Filters take several values (OR) as a repeated parameter or comma-separated, at most
`MAX_FILTER_VALUES` each (a text value at most `MAX_TEXT_FILTER_LENGTH` characters); an empty
text filter is no filter, an empty value of a vocabulary is refused like any unknown one.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
    create_model,
)

from leaddesk.domain.filters import DEFAULT_ORDER, LeadQuery, Order, Sort
from leaddesk.domain.list_filters import (
    LIST_FILTERS,
    MAX_FILTER_VALUES,
    MAX_TEXT_FILTER_LENGTH,
    TABS_EXTENSION,
    Codes,
    ListFilter,
    Text,
    Vocabulary,
)
from leaddesk.domain.models import Tab
from leaddesk.domain.text import clean_text
from leaddesk.domain.words import word_text


def _values(raw: Any) -> list[str]:
    """The values as sent, counted before blanks are dropped (the document's `maxItems` counts
    what was sent, and a comma-separated value counts once per value)."""
    parts = raw if isinstance(raw, list) else [raw]
    values = [clean_text(v) for part in parts for v in str(part).split(",")]
    if len(values) > MAX_FILTER_VALUES:
        raise ValueError(f"at most {MAX_FILTER_VALUES} values per filter (this request has {len(values)})")
    return values


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


def _codes_check(values: Codes) -> AfterValidator:
    known = frozenset(values.codes)

    def check(codes: list[str] | None) -> list[str] | None:
        if codes is None:
            return None
        upper = [code.upper() for code in codes]
        for code in upper:
            if code not in known:
                raise ValueError(f"{code!r} is not an {values.what}")
        return upper

    return AfterValidator(check)


def _bounded(values: list[Any] | None) -> list[Any] | None:
    """A filter's values within the bounds one store query holds (their count is checked as
    they are split, `_values`)."""
    if values is not None and any(len(str(value)) > MAX_TEXT_FILTER_LENGTH for value in values):
        raise ValueError(f"each value has at most {MAX_TEXT_FILTER_LENGTH} characters")
    return values


Bounded = AfterValidator(_bounded)


def _searchable(values: list[str] | None) -> list[str] | None:
    """A text value must hold a word to look for: punctuation alone would find every name."""
    for value in values or []:
        if not word_text(value):
            raise ValueError(f"{value!r} has no letter or digit to look for")
    return values


def _filter_field(spec: ListFilter) -> tuple[Any, Any]:
    """The model field of one registry entry: its type (what it accepts, what the document says)
    and its description, with the tabs offering it as the document's extension."""
    annotation: Any
    sentences = [spec.description]
    match spec.values:
        case Vocabulary(enum=enum):
            vocabulary: Any = enum
            annotation = Annotated[list[vocabulary] | None, Several, Bounded]
            listed = ", ".join(member.value for member in enum)
            sentences.insert(0, f"Any of (repeat the parameter or separate with commas): {listed}")
        case Codes():
            code = Annotated[str, WithJsonSchema({"type": "string", "enum": list(spec.values.codes)})]
            annotation = Annotated[list[code] | None, Several, Bounded, _codes_check(spec.values)]
        case Text():
            text = Annotated[str, WithJsonSchema({"type": "string", "maxLength": MAX_TEXT_FILTER_LENGTH})]
            annotation = Annotated[
                list[text] | None, BeforeValidator(_several_texts), Bounded, AfterValidator(_searchable)
            ]
    if set(spec.tabs) != set(Tab):
        sentences.append(f"(offered on the tabs {', '.join(tab.value for tab in spec.tabs)})")
    field = Field(
        default=None,
        description=" ".join(sentence for sentence in sentences if sentence),
        json_schema_extra={"maxItems": MAX_FILTER_VALUES, TABS_EXTENSION: [tab.value for tab in spec.tabs]},
    )
    return annotation, field


class _Shape(BaseModel):
    """What a list is before its filters: the tab and the order."""

    model_config = ConfigDict(extra="forbid")

    tab: Tab = Field(default=Tab.MARKETPLACE, description="marketplace, qualified or favorites")
    sort: Sort = Field(
        default=Sort.CREATED_AT,
        description="created_at (default, newest first), customer_name, estimated_value",
    )
    order: Order | None = Field(default=None, description="asc or desc (default depends on the sort)")


class _Window(BaseModel):
    """What narrows every tab besides the filters: the creation window and the test leads."""

    model_config = ConfigDict(extra="forbid")

    created_from: Instant | None = Field(
        default=None, description="ISO 8601 date or date-time, inclusive (a time without offset is UTC)"
    )
    created_to: Instant | None = Field(
        default=None,
        description="ISO 8601 date or date-time, inclusive (before created_from: nothing matches)",
    )
    include_test: bool = Field(default=False, description="Also list test leads")


if TYPE_CHECKING:
    _Filters = _Shape
else:
    # One field per registry entry, after the shape's fields (the document lists them in order).
    _Filters = create_model(
        "_Filters", __base__=_Shape, **{spec.name: _filter_field(spec) for spec in LIST_FILTERS}
    )


class LeadFilter(_Window, _Filters):
    """Which leads of a tab, in which order: shared by the list and by exports. Its fields: the
    tab, sort and order, one per list filter (`LIST_FILTERS`), the creation window, test leads."""

    def to_query(self) -> LeadQuery:
        filters = {
            spec.name: frozenset(spec.normalised(str(value)) for value in values)
            for spec in LIST_FILTERS
            if (values := getattr(self, spec.name)) is not None
        }
        return LeadQuery(
            tab=self.tab,
            filters=filters,
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
