"""Browsing through the API on moto: every filter, sorts, cursors, hidden test leads.

The reference meaning of a query is the pure `matches` + `sort_key` of the domain; the
DynamoDB queries the store builds must return exactly that, page after page.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leaddesk.adapters.dynamo.items import ItemPolicy
from leaddesk.adapters.store import LeadStore
from leaddesk.domain.filters import LeadQuery, Order, Sort, matches, sort_key
from leaddesk.domain.list_filters import LIST_FILTERS, Vocabulary
from leaddesk.domain.listing import LeadFilter
from leaddesk.domain.models import (
    Lead,
    Outcome,
    Tab,
)
from leaddesk_local.provision import Deployment, client
from tests.helpers.api import call_api
from tests.helpers.leads import COUNTRIES, T0, make_lead, put_leads
from tests.helpers.tenants import Partners, or_current


def list_leads(partner: str | None = None, **query: str) -> tuple[int, Any, dict[str, str]]:
    return call_api(
        "GET", "/leads", "/leads", partner=or_current(partner), query={k: [v] for k, v in query.items()}
    )


def walk(params: dict[str, str], limit: int) -> list[str]:
    """Every page of a query, following next_cursor; the lead ids in order."""
    ids: list[str] = []
    cursor = None
    for _ in range(200):
        query = {**params, "limit": str(limit), **({"cursor": cursor} if cursor else {})}
        status, page, _ = list_leads(**query)
        assert status == 200, page
        ids.extend(lead["lead_id"] for lead in page["items"])
        cursor = page["next_cursor"]
        if not cursor:
            return ids
    raise AssertionError("pagination never ended")


def expected(leads: list[Lead], params: dict[str, str]) -> list[str]:
    query = LeadFilter.model_validate(params).to_query()
    found = [lead for lead in leads if matches(lead, query)]
    found.sort(key=lambda lead: sort_key(lead, query.sort, query.order), reverse=query.order is Order.DESC)
    return [lead.lead_id for lead in found]


filter_values = {
    **{
        spec.name: [member.value for member in spec.values.enum]
        for spec in LIST_FILTERS
        if isinstance(spec.values, Vocabulary)
    },
    "country": ["US", "DE", "HU", "fr"],
    # word prefixes of every length the word index stores or filters (1 … 4, 5, 9 letters), whole
    # words, phrases, other case and accents, and what no name holds
    "customer_name": [
        "contoso",
        "TRADERS",
        "ltd",
        "zzz",
        "c",
        "fa",
        "fabri",
        "northwind",
        "societe gen",
        "GÉNÉ",
        "s a",
        "angstrom lodz",
        "lod",
        "east",
        "rik",
    ],
}
queries = st.fixed_dictionaries(
    {},
    optional={
        **{
            name: st.lists(st.sampled_from(values), min_size=1, max_size=3, unique=True).map(",".join)
            for name, values in filter_values.items()
        },
        "tab": st.sampled_from([t.value for t in Tab]),
        "sort": st.sampled_from([s.value for s in Sort]),
        "order": st.sampled_from(["asc", "desc"]),
        "include_test": st.sampled_from(["true", "false"]),
        "created_from": st.integers(0, 700).map(lambda m: (T0 + timedelta(minutes=m)).isoformat()),
        "created_to": st.integers(0, 700).map(lambda m: (T0 + timedelta(minutes=m, seconds=30)).isoformat()),
    },
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=queries, limit=st.sampled_from([1, 3, 10, 100]))
def test_every_query_returns_exactly_the_matching_leads_in_order(
    seeded: list[Lead], params: dict[str, str], limit: int
) -> None:
    if "created_from" in params and "created_to" in params and params["created_from"] > params["created_to"]:
        params = {k: v for k, v in params.items() if k != "created_to"}
    assert walk(params, limit) == expected(seeded, params)


def test_all_nine_filters_and_or_within_and_across(seeded: list[Lead]) -> None:
    for name, values in filter_values.items():
        for value in values:
            params = {name: value}
            got = walk(params, 100)
            assert got == expected(seeded, params), params
    combined = {"status": "received,accepted", "country": "US,DE", "lead_quality": "high"}
    got = walk(combined, 5)
    assert got and got == expected(seeded, combined)


def test_a_lead_lacking_a_filtered_attribute_never_matches(seeded: list[Lead]) -> None:
    without_country = [lead.lead_id for lead in seeded if lead.customer.country is None]
    assert without_country
    every_country = ",".join(c for c in COUNTRIES if c)
    got = walk({"country": every_country}, 100) + walk({"tab": "qualified", "country": every_country}, 100)
    assert not set(got) & set(without_country)


def test_test_leads_are_hidden_unless_asked_for(seeded: list[Lead]) -> None:
    test_ids = {lead.lead_id for lead in seeded if lead.is_test and lead.tab is Tab.MARKETPLACE}
    assert test_ids
    assert not test_ids & set(walk({}, 100))
    assert test_ids <= set(walk({"include_test": "true"}, 100))


def test_expired_leads_never_show_contact_details(seeded: list[Lead]) -> None:
    expired = [lead for lead in seeded if lead.outcome is Outcome.EXPIRED and not lead.is_test]
    assert expired
    _, page, _ = list_leads(status="archived", limit="100", tab=expired[0].tab.value)
    shown = {lead["lead_id"]: lead for lead in page["items"]}
    lead = shown[expired[0].lead_id]
    assert lead["customer"]["email"] is None and lead["customer"]["first_name"] is None
    assert lead["customer"]["company"] == expired[0].customer.company
    _, one, _ = call_api(
        "GET", f"/leads/{lead['lead_id']}", "/leads/{lead_id}", path_parameters={"lead_id": lead["lead_id"]}
    )
    assert one["customer"]["email"] is None and one["customer"]["phone"] is None


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"status": "open"}, "status"),
        ({"lead_type": "offer,gift"}, "lead_type"),
        ({"country": "USA"}, "country"),
        ({"country": "XX"}, "country"),
        ({"call_to_action": "call_me"}, "call_to_action"),
        ({"created_from": "1901-01-0"}, "created_from"),
        ({"email_validity": "great"}, "email_validity"),
        ({"phone_validity": "spam"}, "phone_validity"),
        ({"lead_source": "ebay"}, "lead_source"),
        ({"lead_quality": "top"}, "lead_quality"),
        ({"created_from": "yesterday"}, "created_from"),
        ({"created_to": "1700000000"}, "created_to"),  # a number is no date here
        ({"sort": "price"}, "sort"),
        ({"order": "up"}, "order"),
        ({"colour": "red"}, "colour"),
        ({"customer_name": "&"}, "customer_name"),  # no letter or digit: nothing to look for
        ({"customer_name": "fab, -"}, "customer_name"),
    ],
)
def test_unknown_filters_or_values_answer_400_naming_them(
    deployment: Deployment, query: dict[str, str], field: str
) -> None:
    status, body, _ = list_leads(**query)
    assert status == 400, body
    assert body["field"] == field


def test_a_cursor_only_continues_its_own_sort(seeded: list[Lead]) -> None:
    _, page, _ = list_leads(limit="2")
    status, body, _ = list_leads(limit="2", sort="customer_name", cursor=page["next_cursor"])
    assert status == 400 and body["field"] == "cursor"


def test_pages_stay_stable_while_new_leads_arrive(deployment: Deployment) -> None:
    """New leads (newer ULIDs) arriving between page fetches neither duplicate nor skip the original set."""
    table = deployment.refs["LeadsTable"]
    original = [make_lead(created_at=T0 + timedelta(minutes=i)) for i in range(23)]
    put_leads(original, table)
    seen: list[str] = []
    cursor = None
    for round_ in range(20):
        query = {"limit": "5", **({"cursor": cursor} if cursor else {})}
        _, page, _ = list_leads(**query)
        seen.extend(lead["lead_id"] for lead in page["items"])
        put_leads(
            [make_lead(created_at=T0 + timedelta(days=1, minutes=round_ * 3 + k)) for k in range(3)], table
        )
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == sorted((lead.lead_id for lead in original), reverse=True)


def test_index_choice_keeps_reads_close_to_results(
    seeded: list[Lead], deployment: Deployment, partners: Partners
) -> None:
    """Tab and tab + status read (almost) only what they return: the key does the filtering."""
    store = LeadStore(client("dynamodb", None), deployment.refs["LeadsTable"], ItemPolicy())
    for query in (
        LeadQuery(tab=Tab.MARKETPLACE, include_test=True),
        LeadQuery(tab=Tab.QUALIFIED, filters={"status": frozenset({"received"})}, include_test=True),
        LeadQuery(tab=Tab.MARKETPLACE, created_from=T0 + timedelta(hours=3), include_test=True),
    ):
        page = store.query_leads(partners.contoso, query, limit=5)
        assert len(page.leads) == 5
        assert page.items_read == 5, query
    received_or_accepted = LeadQuery(
        filters={"status": frozenset({"received", "accepted"})}, include_test=True
    )
    two = store.query_leads(partners.contoso, received_or_accepted, 5)
    assert len(two.leads) == 5 and two.items_read <= 10
