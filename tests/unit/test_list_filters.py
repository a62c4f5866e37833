"""The list filters' registry drives every place that names a filter: the list query, the export
request, the reference meaning, the stored item, the store's query and the OpenAPI document."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from leaddesk.adapters.dynamo.index_entries import entry_items
from leaddesk.adapters.dynamo.items import OPTIONAL_ATTRIBUTES, ItemPolicy, lead_to_item
from leaddesk.adapters.dynamo.keys import BY_TAB_STATUS
from leaddesk.adapters.dynamo.queries import LeadQueries
from leaddesk.domain.exports import ExportRequest
from leaddesk.domain.filters import matches
from leaddesk.domain.list_filters import (
    LIST_FILTERS,
    MARKETPLACE_TABS,
    TABS_EXTENSION,
    Codes,
    ListFilter,
    Text,
    Vocabulary,
    filters_of_tab,
)
from leaddesk.domain.listing import LeadListQuery
from leaddesk.domain.models import Lead, LeadType, Tab
from leaddesk_local.template import PROJECT_ROOT
from tests.helpers.leads import make_lead

LEAD = make_lead(lead_type=LeadType.OFFER, company="Contoso Traders", country="DE")
BY_NAME = pytest.mark.parametrize("spec", LIST_FILTERS, ids=lambda spec: spec.name)


def as_given(spec: ListFilter, lead: Lead) -> str:
    """The lead's value of the filter as a person would type it (any case where case is free)."""
    value = spec.value_of(lead)
    assert value is not None, f"the sample lead has no {spec.name}"
    if isinstance(spec.values, Codes):
        return value.lower()
    if isinstance(spec.values, Text):
        return value.title()
    return value


class RecordingClient:
    """A DynamoDB client that records each Query and answers with the one lead's item (from an
    index) or its index entry (from the table), and with the item when it is fetched by key."""

    def __init__(self, item: dict[str, Any]) -> None:
        self.requests: list[dict[str, Any]] = []
        self._item = item

    def query(self, **request: Any) -> dict[str, Any]:
        self.requests.append(json.loads(json.dumps(request)))
        if "IndexName" in request:
            return {"Items": [self._item], "ScannedCount": 1}
        return {"Items": [{"SK": {"S": self._item["lead_id"]["S"]}}], "ScannedCount": 1}

    def batch_get_item(self, RequestItems: dict[str, Any]) -> dict[str, Any]:  # noqa: N803 (boto3's name)
        (table,) = RequestItems
        return {"Responses": {table: [self._item]}}


def test_the_models_filter_fields_are_the_registrys_in_its_order() -> None:
    names = [spec.name for spec in LIST_FILTERS]
    for model in (LeadListQuery, ExportRequest):
        fields = list(model.model_fields)
        assert [name for name in fields if name in names] == names
        assert set(fields) - set(names) <= {
            *("tab", "sort", "order", "created_from", "created_to", "include_test"),
            *("limit", "cursor", "bom", "profile"),
        }


@BY_NAME
def test_each_filter_is_a_list_parameter_and_an_export_field(spec: ListFilter) -> None:
    given = as_given(spec, LEAD)
    listed = LeadListQuery.model_validate({spec.name: given}).to_query()
    exported = ExportRequest.model_validate({spec.name: [given]}).to_query()
    assert listed.filters == exported.filters == {spec.name: frozenset({spec.normalised(given)})}
    assert matches(LEAD, listed)
    models: tuple[type[BaseModel], ...] = (LeadListQuery, ExportRequest)
    for model in models:
        schema = model.model_json_schema()["properties"][spec.name]
        assert schema[TABS_EXTENSION] == [tab.value for tab in spec.tabs]


@pytest.mark.parametrize(
    "spec", [spec for spec in LIST_FILTERS if not isinstance(spec.values, Text)], ids=lambda spec: spec.name
)
def test_a_value_outside_a_filters_vocabulary_is_refused_naming_it(spec: ListFilter) -> None:
    for model, value in ((LeadListQuery, "no-such-value"), (ExportRequest, ["no-such-value"])):
        with pytest.raises(ValidationError) as caught:
            model.model_validate({spec.name: value})
        assert caught.value.errors()[0]["loc"][0] == spec.name


@BY_NAME
def test_each_filter_is_stored_beside_the_lead_and_queried_by_its_attribute(spec: ListFilter) -> None:
    item = lead_to_item(LEAD, ItemPolicy())
    stored = spec.value_of(LEAD)
    assert item[spec.attribute] == {"S": stored}
    assert spec.attribute in OPTIONAL_ATTRIBUTES  # a lead that loses the value loses the attribute
    client = RecordingClient(item)
    query = LeadListQuery.model_validate({spec.name: as_given(spec, LEAD)}).to_query()
    page = LeadQueries(client, "leads", ItemPolicy()).query_leads(LEAD.partner_id, query, 10)  # type: ignore[arg-type]
    assert [lead.lead_id for lead in page.leads] == [LEAD.lead_id]
    (request,) = client.requests
    if spec.served_by_entries(query.filters[spec.name]):  # its index entries: one partition per value
        assert "IndexName" not in request
        assert request["ExpressionAttributeValues"][":pk"]["S"] in {pk for pk, _ in entry_items(LEAD)}
        return
    if spec.keyed:  # the key condition selects the value: one index partition per value
        assert request["IndexName"] == BY_TAB_STATUS
        assert request["ExpressionAttributeValues"][":pk"]["S"].endswith(f"#S#{stored}")
        return
    placeholder = next(
        key for key, name in request["ExpressionAttributeNames"].items() if name == spec.attribute
    )
    assert placeholder in request["FilterExpression"]
    assert {"S": stored} in request["ExpressionAttributeValues"].values()


def test_marketplace_only_filters_are_offered_where_marketplace_leads_are() -> None:
    qualified = make_lead(lead_type=LeadType.SALES_QUALIFIED)
    for spec in LIST_FILTERS:
        if spec.value_of(qualified) is None:  # no qualified lead has one
            assert spec.tabs == MARKETPLACE_TABS, spec.name
    assert {spec.name for spec in LIST_FILTERS} - {spec.name for spec in filters_of_tab(Tab.QUALIFIED)} == {
        "lead_source",
        "call_to_action",
    }
    assert filters_of_tab(Tab.FAVORITES) == filters_of_tab(Tab.MARKETPLACE) == LIST_FILTERS


def test_the_document_lists_each_filter_with_its_tabs_once_per_route() -> None:
    document = json.loads((PROJECT_ROOT / "docs" / "openapi.json").read_text(encoding="utf-8"))
    parameters = document["paths"]["/leads"]["get"]["parameters"]
    documented = {p["name"]: p["schema"][TABS_EXTENSION] for p in parameters if TABS_EXTENSION in p["schema"]}
    assert documented == {spec.name: [tab.value for tab in spec.tabs] for spec in LIST_FILTERS}
    export = document["components"]["schemas"]["ExportRequest"]["properties"]
    assert {name for name, field in export.items() if TABS_EXTENSION in field} == set(documented)
    for spec in LIST_FILTERS:
        if isinstance(spec.values, Vocabulary):
            items = parameters[[p["name"] for p in parameters].index(spec.name)]["schema"]["items"]
            assert items == {"$ref": f"#/components/schemas/{spec.values.enum.__name__}"}
