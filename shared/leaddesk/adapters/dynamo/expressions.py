"""The list filters as one DynamoDB FilterExpression, planned within DynamoDB's documented
expression limits.

DynamoDB refuses (ValidationException) an `IN` with more than 100 operands, an expression with
more than 300 operators and functions, and an expression string longer than 4 KB. The planner
splits an `IN` past 100 operands into several `IN` lists joined by OR (the same meaning), and
refuses a query it cannot fit (`FilterTooLarge`, naming the filter with the most values) before
anything is sent. The list's bounds (`MAX_FILTER_VALUES`) keep every request within them; the
split and the refusal are for queries stored before the bounds (an export job's).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from leaddesk.domain.filters import FilterTooLarge, LeadQuery, Sort
from leaddesk.domain.list_filters import FILTERS_BY_NAME, Match

MAX_IN_OPERANDS = 100
MAX_OPERATORS = 300  # operators and functions, AND/OR/NOT and comparators included
MAX_EXPRESSION_BYTES = 4096

_FUNCTIONS = re.compile(
    r"\b(?:attribute_exists|attribute_not_exists|attribute_type|begins_with|contains|size)\("
)
_WORDS = re.compile(r"\b(?:AND|OR|NOT|IN|BETWEEN)\b")
_COMPARATORS = re.compile(r"<>|<=|>=|=|<|>")
_IN_LISTS = re.compile(r"\bIN \(([^)]*)\)")


@dataclass(frozen=True)
class ExpressionSize:
    length: int  # bytes
    operators: int  # operators and functions (BETWEEN's AND counted too: never fewer than DynamoDB)
    largest_in: int  # operands of the longest IN list

    @property
    def fits(self) -> bool:
        return (
            self.length <= MAX_EXPRESSION_BYTES
            and self.operators <= MAX_OPERATORS
            and self.largest_in <= MAX_IN_OPERANDS
        )


def measure(expression: str) -> ExpressionSize:
    """What DynamoDB's limits count in an expression."""
    operators = (
        len(_FUNCTIONS.findall(expression))
        + len(_WORDS.findall(expression))
        + len(_COMPARATORS.findall(expression))
    )
    in_lists = [len(operands.split(",")) for operands in _IN_LISTS.findall(expression)]
    return ExpressionSize(len(expression.encode()), operators, max(in_lists, default=0))


def filter_expression(
    query: LeadQuery, names: dict[str, str], values: dict[str, Any], skip_keyed: bool
) -> str:
    """The filters the key could not express, as one FilterExpression (AND across, OR within);
    `skip_keyed`: the key condition already selects the keyed filter's value (a status). The
    placeholders go into `names` and `values`. `FilterTooLarge` when it cannot fit DynamoDB's
    limits."""
    parts: list[str] = []
    if not query.include_test:
        parts.append("is_test = :false")
        values[":false"] = {"BOOL": False}
    for f_index, (name, allowed) in enumerate(sorted(query.filters.items())):
        spec = FILTERS_BY_NAME[name]
        if spec.keyed and skip_keyed:
            continue
        names[f"#f{f_index}"] = spec.attribute
        placeholders = []
        for v_index, value in enumerate(sorted(allowed)):
            values[f":f{f_index}v{v_index}"] = {"S": value}
            placeholders.append(f":f{f_index}v{v_index}")
        if spec.match is Match.CONTAINS:
            alternatives = [f"contains(#f{f_index}, {p})" for p in placeholders]
        else:
            chunks = [
                placeholders[i : i + MAX_IN_OPERANDS] for i in range(0, len(placeholders), MAX_IN_OPERANDS)
            ]
            alternatives = [f"#f{f_index} IN ({', '.join(chunk)})" for chunk in chunks]
        parts.append(alternatives[0] if len(alternatives) == 1 else "(" + " OR ".join(alternatives) + ")")
    if query.sort is not Sort.CREATED_AT:
        created = created_filter(query, names, values)
        if created:
            parts.append(created)
    expression = " AND ".join(parts)
    if not measure(expression).fits:
        largest = max(query.filters, key=lambda name: (len(query.filters[name]), name), default="filters")
        raise FilterTooLarge(largest, "too many values for one query: choose fewer")
    return expression


def created_filter(query: LeadQuery, names: dict[str, str], values: dict[str, Any]) -> str:
    """Creation window on `created_at` (for indexes whose sort key is not the lead id)."""
    parts = []
    if query.created_from or query.created_to:
        names["#created"] = "created_at"
    if query.created_from:
        values[":cfrom"] = {"S": ms_floor(query.created_from).isoformat()}
        parts.append("#created >= :cfrom")
    if query.created_to:
        values[":cto"] = {"S": (ms_floor(query.created_to) + timedelta(microseconds=999)).isoformat()}
        parts.append("#created <= :cto")
    return " AND ".join(parts)


def ms_floor(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(microsecond=moment.microsecond // 1000 * 1000)


def sort_key_window(
    sort_key: str, low: str | None, high: str | None, names: dict[str, str], values: dict[str, Any]
) -> str:
    """The key condition's sort-key part for the window [low, high] (either end open): "" when
    both are open, else " AND …" with its names and values added."""
    if low is None and high is None:
        return ""
    names["#sk"] = sort_key
    if low is not None and high is not None:
        values |= {":low": {"S": low}, ":high": {"S": high}}
        return " AND #sk BETWEEN :low AND :high"
    if low is not None:
        values[":low"] = {"S": low}
        return " AND #sk >= :low"
    values[":high"] = {"S": high}
    return " AND #sk <= :high"
