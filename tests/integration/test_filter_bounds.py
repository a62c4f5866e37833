"""Filters past DynamoDB's expression limits on moto: the list and an export refuse them at request
time naming the filter (never a 500, never a 202 and then a failed job), and a query stored
before the bounds is split within the limits and still answers."""

from __future__ import annotations

from leaddesk.adapters.dynamo.items import ItemPolicy
from leaddesk.adapters.store import LeadStore
from leaddesk.domain.filters import LeadQuery
from leaddesk.domain.list_filters import COUNTRY_CODES, MAX_FILTER_VALUES
from leaddesk.domain.models import Lead
from leaddesk_local.provision import Deployment, client
from tests.helpers.api import call_api
from tests.helpers.exports import start_export
from tests.helpers.tenants import Partners

NAMES = [f"company {i}" for i in range(1000)]  # a 13 kB query string; the probe's 3.9 kB did it too


def test_a_list_filter_past_its_bound_is_400_naming_it(deployment: Deployment) -> None:
    for name, values in (("customer_name", NAMES), ("country", list(COUNTRY_CODES))):
        status, error, _ = call_api("GET", "/leads", "/leads", query={name: [",".join(values)]})
        assert (status, error["field"]) == (400, name), error
        assert f"at most {MAX_FILTER_VALUES} values" in error["message"]
        status, error, _ = call_api("GET", "/leads", "/leads", query={name: values})  # repeated
        assert (status, error["field"]) == (400, name), error


def test_a_list_filter_at_its_bound_answers(deployment: Deployment) -> None:
    for name, values in (("customer_name", NAMES[:MAX_FILTER_VALUES]), ("country", COUNTRY_CODES[:50])):
        status, page, _ = call_api("GET", "/leads", "/leads", query={name: [",".join(values)]})
        assert status == 200, page


def test_an_export_past_a_bound_is_refused_at_request_time(deployment: Deployment) -> None:
    status, error, _ = start_export({"country": list(COUNTRY_CODES)})
    assert (status, error["field"]) == (422, "country"), error
    status, error, _ = start_export({"customer_name": NAMES})
    assert (status, error["field"]) == (422, "customer_name"), error
    status, listed, _ = call_api("GET", "/exports", "/exports", roles=("viewer",), function="exports_api.app")
    assert status == 200 and listed["items"] == []  # no job was queued to fail later


def test_a_query_stored_before_the_bounds_is_split_and_answers(
    seeded: list[Lead], deployment: Deployment, partners: Partners
) -> None:
    """Every country at once (an export job queued before the bounds): three IN lists of at most
    100 codes, the same leads as no country filter but those without a country."""
    store = LeadStore(client("dynamodb", None), deployment.refs["LeadsTable"], ItemPolicy())
    every = store.query_leads(partners.contoso, LeadQuery(filters={"country": frozenset(COUNTRY_CODES)}), 100)
    expected = [
        lead.lead_id
        for lead in sorted(seeded, key=lambda lead: lead.lead_id, reverse=True)
        if lead.customer.country and not lead.is_test and lead.tab.value == "marketplace"
    ]
    assert [lead.lead_id for lead in every.leads] == expected[:100]
