"""Browsing a tab (SPEC §6): filters, sorts, and the one definition of "this lead matches".

`parse_query` turns raw query-string values into a `LeadQuery` (or raises `InvalidFilter`
naming the parameter: HTTP 400). `matches` is the reference meaning of a query that the
store's DynamoDB expressions must agree with (a property test holds them to it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

import pycountry

from leaddesk.domain.models import (
    CallToAction,
    EmailValidity,
    Lead,
    LeadQuality,
    LeadSourceKind,
    LeadStatus,
    LeadType,
    PhoneValidity,
    Tab,
)


class InvalidFilter(ValueError):
    """A query parameter LeadDesk does not know, or a value it does not accept (HTTP 400)."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter


class Sort(StrEnum):
    CREATED_AT = "created_at"
    CUSTOMER_NAME = "customer_name"
    ESTIMATED_VALUE = "estimated_value"


class Order(StrEnum):
    ASC = "asc"
    DESC = "desc"


DEFAULT_ORDER = {Sort.CREATED_AT: Order.DESC, Sort.CUSTOMER_NAME: Order.ASC, Sort.ESTIMATED_VALUE: Order.DESC}

# filter name → its vocabulary (None: free text / validated separately)
ENUM_FILTERS: dict[str, type[StrEnum]] = {
    "call_to_action": CallToAction,
    "lead_source": LeadSourceKind,
    "lead_type": LeadType,
    "lead_quality": LeadQuality,
    "status": LeadStatus,
    "email_validity": EmailValidity,
    "phone_validity": PhoneValidity,
}
FILTERS = (*ENUM_FILTERS, "country", "customer_name")
LIST_PARAMETERS = frozenset(
    {"tab", "limit", "cursor", "sort", "order", "created_from", "created_to", "include_test", *FILTERS}
)


@dataclass(frozen=True)
class LeadQuery:
    tab: Tab = Tab.MARKETPLACE
    # attribute name → allowed values (OR); every entry must hold (AND)
    equals: dict[str, frozenset[str]] = field(default_factory=dict)
    customer_name: tuple[str, ...] = ()  # lowercased substrings, OR
    created_from: datetime | None = None
    created_to: datetime | None = None
    include_test: bool = False
    sort: Sort = Sort.CREATED_AT
    order: Order = Order.DESC

    @property
    def statuses(self) -> frozenset[str]:
        return self.equals.get("status", frozenset())


def _values(parameter: str, raw: str) -> list[str]:
    values = [v.strip() for v in raw.split(",") if v.strip()]
    if not values:
        raise InvalidFilter(parameter, "give at least one value (comma-separated for several)")
    return values


def _timestamp(parameter: str, raw: str) -> datetime:
    try:
        moment = datetime.fromisoformat(raw.strip().replace("Z", "+00:00").replace(" ", "+"))
    except ValueError as error:
        raise InvalidFilter(parameter, f"{raw!r} is not an ISO 8601 date-time") from error
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def parse_query(parameters: Mapping[str, str]) -> LeadQuery:
    """Raw query-string values (repeated keys already comma-joined) → a `LeadQuery`."""
    unknown = sorted(set(parameters) - LIST_PARAMETERS)
    if unknown:
        raise InvalidFilter(unknown[0], f"unknown parameter; allowed: {', '.join(sorted(LIST_PARAMETERS))}")
    equals: dict[str, frozenset[str]] = {}
    for name, vocabulary in ENUM_FILTERS.items():
        if name in parameters:
            values = _values(name, parameters[name])
            allowed = {member.value for member in vocabulary}
            bad = [v for v in values if v not in allowed]
            if bad:
                raise InvalidFilter(name, f"unknown value {bad[0]!r}; allowed: {', '.join(sorted(allowed))}")
            equals[name] = frozenset(values)
    if "country" in parameters:
        countries = [v.upper() for v in _values("country", parameters["country"])]
        for code in countries:
            if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
                raise InvalidFilter("country", f"{code!r} is not an ISO 3166-1 alpha-2 country code")
        equals["country"] = frozenset(countries)
    names: tuple[str, ...] = ()
    if "customer_name" in parameters:
        names = tuple(v.lower() for v in _values("customer_name", parameters["customer_name"]))
    created_from = (
        _timestamp("created_from", parameters["created_from"]) if "created_from" in parameters else None
    )
    created_to = _timestamp("created_to", parameters["created_to"]) if "created_to" in parameters else None
    if created_from and created_to and created_from > created_to:
        raise InvalidFilter("created_from", "is after created_to")
    try:
        sort = Sort(parameters.get("sort", Sort.CREATED_AT.value))
    except ValueError as error:
        raise InvalidFilter("sort", f"allowed: {', '.join(s.value for s in Sort)}") from error
    try:
        order = Order(parameters["order"]) if "order" in parameters else DEFAULT_ORDER[sort]
    except ValueError as error:
        raise InvalidFilter("order", "allowed: asc, desc") from error
    include_test = parameters.get("include_test", "false").lower()
    if include_test not in ("true", "false"):
        raise InvalidFilter("include_test", "allowed: true, false")
    try:
        tab = Tab(parameters.get("tab", Tab.MARKETPLACE.value))
    except ValueError as error:
        raise InvalidFilter("tab", f"allowed: {', '.join(t.value for t in Tab)}") from error
    return LeadQuery(
        tab=tab,
        equals=equals,
        customer_name=names,
        created_from=created_from,
        created_to=created_to,
        include_test=include_test == "true",
        sort=sort,
        order=order,
    )


def filter_values(lead: Lead) -> dict[str, str | None]:
    """The lead's value of each equality filter (None: the lead lacks it, so never matches)."""
    return {
        "call_to_action": lead.call_to_action.value if lead.call_to_action else None,
        "lead_source": lead.lead_source.value if lead.lead_source else None,
        "lead_type": lead.lead_type.value,
        "lead_quality": lead.lead_quality.value,
        "status": lead.status.value,
        "email_validity": lead.email_validity.value,
        "phone_validity": lead.phone_validity.value,
        "country": lead.customer.country,
    }


def _millisecond(moment: datetime) -> datetime:
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def matches(lead: Lead, query: LeadQuery) -> bool:
    """The meaning of a query (creation bounds at millisecond precision, like lead ids)."""
    if query.tab is Tab.FAVORITES:
        if not lead.favorite:
            return False
    elif lead.tab is not query.tab:
        return False
    if lead.is_test and not query.include_test:
        return False
    values = filter_values(lead)
    for name, allowed in query.equals.items():
        if values[name] not in allowed:
            return False
    if query.customer_name:
        company = (lead.customer.company or "").lower()
        if not company or not any(part in company for part in query.customer_name):
            return False
    created = _millisecond(lead.created_at)
    if query.created_from and created < _millisecond(query.created_from):
        return False
    return not (query.created_to and created > _millisecond(query.created_to))


# --- sort keys (also the index sort keys the store writes) ---------------------------------
NAME_MISSING = "\uffff"  # leads without a company sort after every name (ascending)


def name_sort_key(lead: Lead) -> str:
    name = (lead.customer.company or "").strip().lower()
    # \x01 sorts below every character of a name, so "alpha" comes before "alpha two"
    return f"{name[:200] if name else NAME_MISSING}\x01{lead.lead_id}"


_MAX_CENTS = 10**16 - 2


def value_sort_key(lead: Lead) -> str:
    """Zero-padded cents so that string order is numeric order; leads without a value sort lowest."""
    value = lead.estimated_value
    cents = -1 if value is None else min(int((value * 100).to_integral_value()), _MAX_CENTS)
    return f"{cents + 1:016d}#{lead.lead_id}"


def sort_key(lead: Lead, sort: Sort) -> str:
    if sort is Sort.CUSTOMER_NAME:
        return name_sort_key(lead)
    if sort is Sort.ESTIMATED_VALUE:
        return value_sort_key(lead)
    return lead.lead_id
