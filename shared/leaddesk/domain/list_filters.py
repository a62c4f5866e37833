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
from leaddesk.domain.words import word_text

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
    """Free text: word prefixes of a name, whatever the case and accents
    (`leaddesk.domain.words`); blanks are no filter."""


Values = Vocabulary | Codes | Text


class Match(StrEnum):
    """How the store compares a stored attribute with a filter's values (OR within a filter)."""

    EQUALS = "equals"  # the attribute is one of the values (`IN`)
    # the attribute contains one of the values (`contains`); for text both are word texts
    # (`leaddesk.domain.words.word_text`), in which containing " fab" is holding a word that starts
    # with "fab"
    CONTAINS = "contains"


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
    # The store writes an index entry per lead and value of this filter (`leaddesk.adapters.dynamo.
    # index_entries`), except for the `common` values: the values most leads carry, whose filter
    # over the tab's index already reads little (a value carried by a share s of a tab's leads
    # reads about 1/s items per item returned), so entries would cost writes for nothing.
    indexed: bool = False
    common: frozenset[str] = frozenset()

    def served_by_entries(self, values: frozenset[str]) -> bool:
        """Whether the index entries hold every lead having one of `values`."""
        return self.indexed and bool(values) and not (values & self.common)

    @property
    def match(self) -> Match:
        return Match.CONTAINS if isinstance(self.values, Text) else Match.EQUALS

    def normalised(self, value: str) -> str:
        """A value of the query as the store compares it."""
        if isinstance(self.values, Codes):
            return value.upper()
        if isinstance(self.values, Text):
            return word_text(value)
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
        indexed=True,
        common=frozenset({CallToAction.CONTACT_ME.value}),
    ),
    ListFilter(
        name="country",
        values=Codes(COUNTRY_CODES, "ISO 3166-1 alpha-2 country code"),
        tabs=ALL_TABS,
        value_of=lambda lead: lead.customer.country,
        attribute="country",
        indexed=True,  # which countries are common differs from partner to partner
        description="ISO 3166-1 alpha-2 codes, any case (repeat or separate with commas)",
    ),
    ListFilter(
        name="customer_name",
        values=Text(),
        tabs=ALL_TABS,
        value_of=lambda lead: word_text(lead.customer.company) or None,
        attribute="customer_name",
        description=(
            "Word prefixes of the company name, whatever the case and accents: 'fab' and 'inc' both "
            "find 'Fabrikam Inc.', 'societe gen' finds 'Société Générale' (several values: any of them)"
        ),
        indexed=True,  # word index entries (`leaddesk.domain.words`)
    ),
    ListFilter(
        name="lead_source",
        values=Vocabulary(LeadSourceKind),
        tabs=MARKETPLACE_TABS,
        value_of=lambda lead: _value(lead.lead_source),
        attribute="lead_source",
        indexed=True,
    ),
    ListFilter(
        name="lead_type",
        values=Vocabulary(LeadType),
        tabs=ALL_TABS,
        value_of=lambda lead: lead.lead_type.value,
        attribute="lead_type",
        indexed=True,
        common=frozenset({LeadType.OFFER.value}),
    ),
    ListFilter(
        name="lead_quality",
        values=Vocabulary(LeadQuality),
        tabs=ALL_TABS,
        value_of=lambda lead: lead.lead_quality.value,
        attribute="lead_quality",
        indexed=True,
        common=frozenset({LeadQuality.HIGH.value, LeadQuality.MEDIUM.value}),
    ),
    STATUS,
    ListFilter(
        name="email_validity",
        values=Vocabulary(EmailValidity),
        tabs=ALL_TABS,
        value_of=lambda lead: lead.email_validity.value,
        attribute="email_validity",
        indexed=True,
        common=frozenset({EmailValidity.VALID.value}),
    ),
    ListFilter(
        name="phone_validity",
        values=Vocabulary(PhoneValidity),
        tabs=ALL_TABS,
        value_of=lambda lead: lead.phone_validity.value,
        attribute="phone_validity",
        indexed=True,
        common=frozenset({PhoneValidity.VALID.value}),
    ),
)

FILTERS_BY_NAME = {spec.name: spec for spec in LIST_FILTERS}


def filters_of_tab(tab: Tab) -> tuple[ListFilter, ...]:
    return tuple(spec for spec in LIST_FILTERS if tab in spec.tabs)
