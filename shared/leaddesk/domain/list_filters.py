"""The list filters, each written once: its name, its values, the tabs that offer it, and what
of a stored lead it reads.

Everything that names a filter is derived from `LIST_FILTERS`: the list query (`GET /leads`'
parameters) and the export request (`leaddesk.domain.listing`, `leaddesk.domain.exports`), the
reference meaning of a query (`leaddesk.domain.filters.matches`), the attributes copied beside
a stored lead and the store's expressions (`leaddesk.adapters.dynamo.items` and `queries`), the
OpenAPI document (each filter's `x-leaddesk-tabs`) and, from that document, the web app's
`web/src/api/listFilters.ts`. A new filter is one entry here (leads stored before it carry
its attribute only once they are written again).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from leaddesk.domain import iso_codes
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

# The OpenAPI extension that lists the tabs offering a filter (what the web app reads).
TABS_EXTENSION = "x-leaddesk-tabs"
# Bounds no partner's list reaches, chosen so that every filter at its bound, all at once, is one
# DynamoDB expression within its limits (`leaddesk.adapters.dynamo.expressions`; a test holds it).
MAX_FILTER_VALUES = 50  # values of one filter (a vocabulary has fewer anyway)
MAX_TEXT_FILTER_LENGTH = 100  # characters of one text value (a company name's part)


@dataclass(frozen=True)
class Vocabulary:
    """Values of a domain vocabulary, exactly as written."""

    enum: type[StrEnum]


@dataclass(frozen=True)
class Codes:
    """Codes of a standard, accepted in any case and compared in upper case."""

    codes: tuple[str, ...]
    what: str  # one code, as an error message names it


@dataclass(frozen=True)
class Text:
    """Free text: case-insensitive substrings; blanks are no filter."""


Values = Vocabulary | Codes | Text


class Match(StrEnum):
    """How the store compares a stored attribute with a filter's values (OR within a filter)."""

    EQUALS = "equals"  # the attribute is one of the values (`IN`)
    CONTAINS = "contains"  # the attribute contains one of the values (`contains`, lowercased)


@dataclass(frozen=True)
class ListFilter:
    name: str
    values: Values
    tabs: tuple[Tab, ...]
    # The lead's value as the store keeps it beside the lead, under `attribute`; None: the lead
    # lacks it, so it never matches this filter.
    value_of: Callable[[Lead], str | None]
    attribute: str
    description: str = ""  # besides the values (a vocabulary's are listed from the vocabulary)
    # The store has an index partition per value (tab + value): the key condition selects it.
    keyed: bool = False

    @property
    def match(self) -> Match:
        return Match.CONTAINS if isinstance(self.values, Text) else Match.EQUALS

    def normalised(self, value: str) -> str:
        """A value of the query as the store compares it."""
        if isinstance(self.values, Codes):
            return value.upper()
        if isinstance(self.values, Text):
            return value.lower()
        return value


def _value(member: StrEnum | None) -> str | None:
    return member.value if member is not None else None


ALL_TABS = tuple(Tab)
# Lead sources and calls to action exist only on marketplace leads (offer and profile leads,
# docs/product.md "Lead kinds"); the favorites tab holds leads of every tab.
MARKETPLACE_TABS = (Tab.MARKETPLACE, Tab.FAVORITES)
COUNTRY_CODES = iso_codes.COUNTRY_CODES

STATUS = ListFilter(
    name="status",
    values=Vocabulary(LeadStatus),
    tabs=ALL_TABS,
    value_of=lambda lead: lead.status.value,
    attribute="status",
    keyed=True,  # ByTabStatus: one partition per tab and status
)

LIST_FILTERS: tuple[ListFilter, ...] = (
    ListFilter(
        name="call_to_action",
        values=Vocabulary(CallToAction),
        tabs=MARKETPLACE_TABS,
        value_of=lambda lead: _value(lead.call_to_action),
        attribute="call_to_action",
    ),
    ListFilter(
        name="country",
        values=Codes(COUNTRY_CODES, "ISO 3166-1 alpha-2 country code"),
        tabs=ALL_TABS,
        value_of=lambda lead: lead.customer.country,
        attribute="country",
        description="ISO 3166-1 alpha-2 codes, any case (repeat or separate with commas)",
    ),
    ListFilter(
        name="customer_name",
        values=Text(),
        tabs=ALL_TABS,
        value_of=lambda lead: (lead.customer.company or "").lower() or None,
        attribute="customer_name",
        description="Case-insensitive substrings of the company name (OR)",
    ),
    ListFilter(
        name="lead_source",
        values=Vocabulary(LeadSourceKind),
        tabs=MARKETPLACE_TABS,
        value_of=lambda lead: _value(lead.lead_source),
        attribute="lead_source",
    ),
    ListFilter(
        name="lead_type",
        values=Vocabulary(LeadType),
        tabs=ALL_TABS,
        value_of=lambda lead: lead.lead_type.value,
        attribute="lead_type",
    ),
    ListFilter(
        name="lead_quality",
        values=Vocabulary(LeadQuality),
        tabs=ALL_TABS,
        value_of=lambda lead: lead.lead_quality.value,
        attribute="lead_quality",
    ),
    STATUS,
    ListFilter(
        name="email_validity",
        values=Vocabulary(EmailValidity),
        tabs=ALL_TABS,
        value_of=lambda lead: lead.email_validity.value,
        attribute="email_validity",
    ),
    ListFilter(
        name="phone_validity",
        values=Vocabulary(PhoneValidity),
        tabs=ALL_TABS,
        value_of=lambda lead: lead.phone_validity.value,
        attribute="phone_validity",
    ),
)

FILTERS_BY_NAME = {spec.name: spec for spec in LIST_FILTERS}


def filters_of_tab(tab: Tab) -> tuple[ListFilter, ...]:
    return tuple(spec for spec in LIST_FILTERS if tab in spec.tabs)
