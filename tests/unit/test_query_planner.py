"""The list filters are bounded, and the store's expressions are planned within DynamoDB's
documented expression limits: an `IN` of at most 100 operands, at most 300 operators and
functions, at most 4 KB of text. Every filter at its bound, on every tab and sort, fits; a query
past them (one stored before the bounds) is split or refused, never sent to DynamoDB."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from leaddesk.adapters.dynamo.expressions import (
    MAX_EXPRESSION_BYTES,
    MAX_IN_OPERANDS,
    MAX_OPERATORS,
    filter_expression,
    measure,
)
from leaddesk.domain.exports import ExportRequest
from leaddesk.domain.filters import FilterTooLarge, LeadQuery, Sort
from leaddesk.domain.list_filters import (
    COUNTRY_CODES,
    LIST_FILTERS,
    MAX_FILTER_VALUES,
    MAX_TEXT_FILTER_LENGTH,
    Codes,
    Text,
    Vocabulary,
    filters_of_tab,
)
from leaddesk.domain.listing import LeadListQuery
from leaddesk.domain.models import Tab

WINDOW = {"created_from": datetime(2026, 1, 1, tzinfo=UTC), "created_to": datetime(2026, 12, 31, tzinfo=UTC)}


def values_at_bound(name: str) -> list[str]:
    """As many values as the filter takes, each as long as it may be."""
    spec = next(spec for spec in LIST_FILTERS if spec.name == name)
    match spec.values:
        case Vocabulary(enum=enum):
            return [member.value for member in enum]
        case Codes(codes=codes):
            return list(codes[:MAX_FILTER_VALUES])
        case Text():
            return [f"{i:03d}" + "ü" * (MAX_TEXT_FILTER_LENGTH - 3) for i in range(MAX_FILTER_VALUES)]
    raise AssertionError(name)


def planned(query: LeadQuery, skip_keyed: bool) -> tuple[str, dict[str, str], dict[str, Any]]:
    names: dict[str, str] = {}
    values: dict[str, Any] = {}
    return filter_expression(query, names, values, skip_keyed=skip_keyed), names, values


def test_measure_counts_what_dynamodb_counts() -> None:
    size = measure("#a IN (:x, :y) AND (contains(#b, :c) OR NOT #d BETWEEN :e AND :f) AND #g <> :h")
    assert size.largest_in == 2
    assert size.operators == 9  # IN, AND, contains, OR, NOT, BETWEEN and its AND, AND, <>
    assert size.length == len(
        b"#a IN (:x, :y) AND (contains(#b, :c) OR NOT #d BETWEEN :e AND :f) AND #g <> :h"
    )


@pytest.mark.parametrize("tab", list(Tab), ids=str)
@pytest.mark.parametrize("sort", list(Sort), ids=str)
def test_every_filter_at_its_bound_plans_within_dynamodbs_limits(tab: Tab, sort: Sort) -> None:
    parameters = {spec.name: values_at_bound(spec.name) for spec in filters_of_tab(tab)}
    query = LeadListQuery.model_validate({"tab": tab, "sort": sort, **parameters, **WINDOW}).to_query()
    for skip_keyed in (False, True):
        expression, names, values = planned(query, skip_keyed)
        size = measure(expression)
        assert size.largest_in <= MAX_IN_OPERANDS, (tab, sort)
        assert size.operators <= MAX_OPERATORS, (tab, sort, size)
        assert size.length <= MAX_EXPRESSION_BYTES, (tab, sort, size)
        assert all(len(placeholder.encode()) <= 255 for placeholder in [*names, *values])
    # The same request as an export is accepted at request time (the export runs the same plan).
    assert ExportRequest.model_validate({"tab": tab, "sort": sort, **parameters}).to_query() is not None


@pytest.mark.parametrize("spec", [spec for spec in LIST_FILTERS if not isinstance(spec.values, Vocabulary)])
def test_a_filter_past_its_bound_is_refused_naming_it(spec: Any) -> None:
    many = (
        list(COUNTRY_CODES[: MAX_FILTER_VALUES + 1])
        if isinstance(spec.values, Codes)
        else [f"name {i}" for i in range(MAX_FILTER_VALUES + 1)]
    )
    for model, given in ((LeadListQuery, ",".join(many)), (ExportRequest, many)):
        with pytest.raises(ValidationError) as refused:
            model.model_validate({spec.name: given})
        error = refused.value.errors()[0]
        assert error["loc"][0] == spec.name and f"at most {MAX_FILTER_VALUES} values" in error["msg"]


def test_a_text_value_past_its_length_is_refused_naming_the_filter() -> None:
    with pytest.raises(ValidationError) as refused:
        LeadListQuery.model_validate({"customer_name": "x" * (MAX_TEXT_FILTER_LENGTH + 1)})
    error = refused.value.errors()[0]
    assert (
        error["loc"][0] == "customer_name" and f"at most {MAX_TEXT_FILTER_LENGTH} characters" in error["msg"]
    )


def test_an_in_list_past_100_operands_is_split() -> None:
    """Every country (249 codes): a query stored before the bounds still runs, as IN lists of 100."""
    query = LeadQuery(filters={"country": frozenset(COUNTRY_CODES)})
    expression, _, values = planned(query, skip_keyed=False)
    size = measure(expression)
    assert size.largest_in == MAX_IN_OPERANDS and expression.count(" IN (") == 3
    assert size.operators <= MAX_OPERATORS and size.length <= MAX_EXPRESSION_BYTES
    assert {value["S"] for value in values.values() if "S" in value} == set(COUNTRY_CODES)


def test_a_query_past_the_operator_limit_is_refused_naming_the_filter() -> None:
    query = LeadQuery(
        filters={"customer_name": frozenset(f"n{i}" for i in range(400)), "country": frozenset({"US"})}
    )
    with pytest.raises(FilterTooLarge) as refused:
        planned(query, skip_keyed=False)
    assert refused.value.field == "customer_name"


def test_a_query_past_the_length_limit_is_refused_naming_the_filter() -> None:
    """Few operators (five IN lists), but more than 4 KB of placeholders."""
    query = LeadQuery(filters={"country": frozenset(f"C{i}" for i in range(500))})
    with pytest.raises(FilterTooLarge) as refused:
        planned(query, skip_keyed=False)
    assert refused.value.field == "country"


def test_an_export_that_cannot_be_planned_tells_the_partner_which_filter_in_words() -> None:
    from leaddesk.services.exports import failure_reason

    reason = failure_reason(FilterTooLarge("country", "too many values for one query: choose fewer"))
    assert reason.startswith("its country filter has more values") and "FilterTooLarge" not in reason
    assert "Error" not in failure_reason(RuntimeError("ClientError: boom (generated by moto)"))


def test_blank_values_count_toward_the_bound_as_sent() -> None:
    """The document's maxItems counts what was sent: 51 blanks are refused, not dropped into no
    filter (found by the fuzzing run)."""
    for model, given in ((LeadListQuery, [""] * 51), (ExportRequest, [""] * 51)):
        with pytest.raises(ValidationError) as refused:
            model.model_validate({"customer_name": given})
        assert refused.value.errors()[0]["loc"][0] == "customer_name"
    assert LeadListQuery.model_validate({"customer_name": [""] * 50}).customer_name is None
