"""Browsing queries, pure: the typed list query, the meaning of a filter, sort keys."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from leaddesk.domain.filters import LeadQuery, Order, Sort, matches, name_sort_key, value_sort_key
from leaddesk.domain.listing import LeadFilter
from leaddesk.domain.models import LeadType, Tab
from tests.helpers.leads import T0, make_lead


def parse_query(parameters: dict[str, str]) -> LeadQuery:
    return LeadFilter.model_validate(parameters).to_query()


def test_values_are_or_within_and_and_across() -> None:
    query = parse_query({"status": "received, accepted", "country": "us,de", "customer_name": "Cont,WIND"})
    assert query.filters == {
        "status": frozenset({"received", "accepted"}),
        "country": frozenset({"US", "DE"}),
        "customer_name": frozenset({" cont", " wind"}),  # word texts (`domain.words`)
    }
    assert matches(make_lead(company="North Wind", country="DE"), query)
    assert not matches(make_lead(company="North Wind", country="FR"), query)
    assert not matches(make_lead(company="Northwind", country="DE"), query)  # "wind" starts no word
    assert not matches(make_lead(company=None, country="US"), query)


def test_defaults_and_sort_orders() -> None:
    query = parse_query({})
    assert (query.tab, query.sort, query.order, query.include_test) == (
        Tab.MARKETPLACE,
        Sort.CREATED_AT,
        Order.DESC,
        False,
    )
    assert parse_query({"sort": "customer_name"}).order is Order.ASC
    assert parse_query({"sort": "estimated_value", "order": "asc"}).order is Order.ASC


@pytest.mark.parametrize(
    ("parameters", "name"),
    [
        ({"status": "open"}, "status"),
        ({"country": "Germany"}, "country"),
        ({"lead_type": "gift"}, "lead_type"),
        ({"created_to": "31/12/2026"}, "created_to"),
        ({"created_from": "0.5"}, "created_from"),
        ({"created_to": "2026-02-30"}, "created_to"),
        ({"include_test": "maybe"}, "include_test"),
        ({"tab": "all"}, "tab"),
        ({"flavour": "x"}, "flavour"),
        ({"customer_name": "--"}, "customer_name"),  # punctuation only: nothing to look for
        ({"customer_name": "fab,&"}, "customer_name"),
    ],
)
def test_errors_name_the_parameter(parameters: dict[str, str], name: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_query(parameters)
    assert caught.value.errors()[0]["loc"][0] == name


def test_an_empty_text_is_no_filter_an_empty_vocabulary_value_is_refused_and_values_may_repeat() -> None:
    assert parse_query({"customer_name": " , "}) == parse_query({})
    for blank in ({"lead_type": ""}, {"status": "received,"}):  # as the document says: not a status
        with pytest.raises(ValidationError):
            parse_query(blank)
    repeated = LeadFilter.model_validate({"status": ["received", "accepted,archived"]}).to_query()
    assert repeated.statuses == {"received", "accepted", "archived"}


def test_missing_attributes_never_match() -> None:
    qualified = make_lead(lead_type=LeadType.SALES_QUALIFIED)
    assert qualified.call_to_action is None
    for cta in ("contact_me", "get_it_now,free_trial,test_drive,create"):
        assert not matches(qualified, parse_query({"tab": "qualified", "call_to_action": cta}))
    assert not matches(make_lead(country=None), parse_query({"country": "US"}))


def test_creation_window_is_inclusive_at_millisecond_precision() -> None:
    lead = make_lead(created_at=T0 + timedelta(microseconds=1500))
    at = (T0 + timedelta(milliseconds=1)).isoformat()
    assert matches(lead, parse_query({"created_from": at, "created_to": at}))
    assert not matches(lead, parse_query({"created_from": (T0 + timedelta(milliseconds=2)).isoformat()}))
    assert parse_query({"created_from": "2026-11-01T10:00:00Z"}).created_from == datetime(
        2026, 11, 1, 10, tzinfo=UTC
    )


def test_test_leads_and_favorites() -> None:
    test_lead = make_lead(is_test=True, favorite=True)
    assert not matches(test_lead, parse_query({}))
    assert matches(test_lead, parse_query({"include_test": "true"}))
    assert matches(test_lead, parse_query({"tab": "favorites", "include_test": "true"}))
    assert not matches(make_lead(), parse_query({"tab": "favorites"}))


@given(st.lists(st.one_of(st.none(), st.decimals(min_value=0, max_value=10**12, places=2)), min_size=2))
def test_value_sort_keys_order_like_the_values(values: list[Decimal | None]) -> None:
    leads = [make_lead(created_at=T0 + timedelta(seconds=i), estimated_value=v) for i, v in enumerate(values)]
    by_key = sorted(leads, key=value_sort_key)
    by_value = sorted(
        leads, key=lambda lead: (-1 if lead.estimated_value is None else lead.estimated_value, lead.lead_id)
    )
    assert [lead.lead_id for lead in by_key] == [lead.lead_id for lead in by_value]
    # Ascending, the leads without a value still come last (after every value).
    ascending = sorted(leads, key=lambda lead: value_sort_key(lead, Order.ASC))
    by_value_then_none = sorted(
        leads,
        key=lambda lead: (lead.estimated_value is None, lead.estimated_value or Decimal(0), lead.lead_id),
    )
    assert [lead.lead_id for lead in ascending] == [lead.lead_id for lead in by_value_then_none]


def test_names_sort_case_insensitively_and_missing_last() -> None:
    names = ["beta", "Alpha", None, "alpha two"]
    leads = [make_lead(created_at=T0 + timedelta(seconds=i), company=n) for i, n in enumerate(names)]
    ordered = [lead.customer.company for lead in sorted(leads, key=name_sort_key)]
    assert ordered == ["Alpha", "alpha two", "beta", None]
