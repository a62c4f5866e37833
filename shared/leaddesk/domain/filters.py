"""Browsing a tab: the store's query, sorts, and the one definition of "this lead matches".

`LeadQuery` is what the store executes (built from the API's typed query model in
`leaddesk.domain.listing`). `matches` is the reference meaning of a query that the store's
DynamoDB expressions must agree with (a property test holds them to it). See
docs/product.md, "Browsing".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from leaddesk.domain.list_filters import FILTERS_BY_NAME, STATUS, Match
from leaddesk.domain.models import Lead, LeadStatus, Tab


class CursorError(ValueError):
    """The cursor is not one this API handed to this partner for this query (HTTP 400)."""


class FilterTooLarge(ValueError):
    """A filter with more values than one store query can hold (HTTP 400 naming it)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


class Sort(StrEnum):
    CREATED_AT = "created_at"
    CUSTOMER_NAME = "customer_name"
    ESTIMATED_VALUE = "estimated_value"


class Order(StrEnum):
    ASC = "asc"
    DESC = "desc"


DEFAULT_ORDER = {Sort.CREATED_AT: Order.DESC, Sort.CUSTOMER_NAME: Order.ASC, Sort.ESTIMATED_VALUE: Order.DESC}


@dataclass(frozen=True)
class LeadQuery:
    tab: Tab = Tab.MARKETPLACE
    # filter name (of `LIST_FILTERS`) → its values as the store compares them (OR within a
    # filter); every filter must hold (AND)
    filters: dict[str, frozenset[str]] = field(default_factory=dict)
    created_from: datetime | None = None
    created_to: datetime | None = None
    include_test: bool = False
    sort: Sort = Sort.CREATED_AT
    order: Order = Order.DESC

    @property
    def statuses(self) -> frozenset[str]:
        return self.filters.get(STATUS.name, frozenset())

    def counted_statuses(self) -> frozenset[LeadStatus] | None:
        """The statuses whose per-tab counters add up to exactly this query's leads, when they do:
        a tab, optionally some statuses, nothing else (the counters never count test leads)."""
        if self.include_test or self.created_from or self.created_to:
            return None
        if set(self.filters) - {STATUS.name}:
            return None
        return frozenset(LeadStatus(s) for s in self.statuses) or frozenset(LeadStatus)


def _holds(match: Match, value: str | None, allowed: frozenset[str]) -> bool:
    """A lead lacking the filtered attribute (None) never matches the filter."""
    if value is None:
        return False
    if match is Match.CONTAINS:
        return any(part in value for part in allowed)
    return value in allowed


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
    for name, allowed in query.filters.items():
        spec = FILTERS_BY_NAME[name]
        if not _holds(spec.match, spec.value_of(lead), allowed):
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


def no_value_prefix(order: Order) -> str:
    """The sort key's prefix for a lead without an estimated value: such leads come last in
    either order, so below every value descending and above every value ascending."""
    return f"{0:016d}#" if order is Order.DESC else "~#"


def value_sort_key(lead: Lead, order: Order = Order.DESC) -> str:
    """Zero-padded cents (from 1) so that string order is numeric order; a lead without a value
    sorts last in `order` (the key of a lead with a value does not depend on the order)."""
    value = lead.estimated_value
    if value is None:
        return no_value_prefix(order) + lead.lead_id
    cents = min(int((value * 100).to_integral_value()), _MAX_CENTS)
    return f"{cents + 1:016d}#{lead.lead_id}"


def sort_key(lead: Lead, sort: Sort, order: Order = Order.DESC) -> str:
    if sort is Sort.CUSTOMER_NAME:
        return name_sort_key(lead)
    if sort is Sort.ESTIMATED_VALUE:
        return value_sort_key(lead, order)
    return lead.lead_id
