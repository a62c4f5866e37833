"""Every bad request is a 4xx naming what is wrong, never a 500: one test per class of input that
used to reach the framework or DynamoDB unchecked (found by probing the running stack)."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from leaddesk_local.lambda_events import LambdaContext, api_event
from leaddesk_local.provision import Deployment
from tests.helpers.api import call_api, claims
from tests.helpers.ingest import invoke, marketplace_lead, sqs_event
from tests.helpers.leads import ACCEPT_BODY
from tests.helpers.tenants import or_current

LEAD = "01JD0000000000000000000000"


def raw_call(
    method: str, path: str, route: str, body: str | None, content_type: str | None = "application/json"
) -> tuple[int, dict[str, Any]]:
    """The API function with a body exactly as sent (not re-encoded by the helper)."""
    from leads_api.app import handler

    event = api_event(
        method=method,
        path=path,
        route_path=route,
        claims=claims(),
        path_parameters={"lead_id": path.split("/")[2]} if "{lead_id}" in route else None,
        headers={"content-type": content_type} if content_type else {},
        body=body,
    )
    answer = handler(event, LambdaContext(function_name="LifecycleApiFunction"))
    return answer["statusCode"], json.loads(answer["body"]) if answer.get("body") else {}


def accept(body: str | None, content_type: str | None = "application/json") -> tuple[int, dict[str, Any]]:
    return raw_call("POST", f"/leads/{LEAD}/accept", "/leads/{lead_id}/accept", body, content_type)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('{"estimated_value": ' + "9" * 5000 + "}", "more digits"),  # int() refuses > 4,300 digits
        ("[" * 5000 + "]" * 5000, "nested deeper"),  # json.loads' recursion limit
        ('{"team": ' + "[" * 40 + "]" * 40 + "}", "nested deeper"),  # parses, but no body is so deep
        ('{"deal_name": "x",, }', "line 1 column 19"),  # not a character offset posing as a field
    ],
)
def test_bodies_that_are_not_usable_json_are_422_naming_the_body(
    deployment: Deployment, body: str, message: str
) -> None:
    status, error = accept(body)
    assert status == 422 and error["field"] == "body" and message in error["message"]


@pytest.mark.parametrize("body", ["[{}, 1]", "[]", "null", '"text"', "12", "true"])
def test_a_body_that_is_not_a_json_object_is_422_on_every_route(deployment: Deployment, body: str) -> None:
    """Every body of this API is an object; an array used to pass as an empty one wherever every
    field has a default (an export of everything, or the settings cleared)."""
    from tests.helpers.api import call_api

    for function, method, route in (
        ("exports_api.app", "POST", "/exports"),
        ("notifications_api.app", "PUT", "/settings"),
        ("leads_api.app", "POST", "/leads/{lead_id}/accept"),
    ):
        path = route.replace("{lead_id}", LEAD)
        parameters = {"lead_id": LEAD} if "{lead_id}" in route else None
        status, error, _ = call_api(
            method, path, route, function=function, path_parameters=parameters, raw_body=body
        )
        assert status == 422 and error["field"] == "body" and "a JSON object" in error["message"], route


def test_structured_json_types_are_json_and_other_types_one_415(deployment: Deployment) -> None:
    status, error = accept(json.dumps(ACCEPT_BODY), "application/merge-patch+json")
    assert status == 404, error  # parsed as JSON, validated, and the lead does not exist
    for content_type in ("text/plain", "application/jsonx", "application/x-www-form-urlencoded"):
        status, error = accept("deal_name=x", content_type)
        assert (status, error["field"]) == (415, "Content-Type")
        assert "send Content-Type: application/json" in error["message"]
    status, error = accept(None, "text/plain")  # no body: nothing to judge the type of
    assert (status, error["field"]) == (422, "body")


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ({"created_from": "0001-01-01T00:00:00+01:00"}, 1),  # before the first UTC instant: clamped
        ({"created_to": "9999-12-31T23:59:59-01:00"}, 1),  # after the last: clamped
        ({"created_from": "1969-12-31T23:59:59Z"}, 1),  # before any lead id: excludes nothing
        ({"created_from": "2026-11-02", "created_to": "2026-11-01"}, 0),  # an empty window, not a 500
        ({"created_to": "0001-01-01", "sort": "customer_name"}, 0),
    ],
)
def test_bounds_outside_the_representable_range_are_valid_bounds(
    deployment: Deployment, query: dict[str, str], found: int
) -> None:
    invoke(sqs_event(marketplace_lead("e-bounds")))
    status, page, _ = call_api("GET", "/leads", "/leads", query={k: [v] for k, v in query.items()})
    assert status == 200 and len(page["items"]) == found, page


@pytest.mark.parametrize(
    ("parameter", "value"),
    [
        ("created_from", "0.5"),
        ("created_to", "2026-13-01"),
        ("created_from", "yesterday"),
        ("limit", "9" * 5000),
    ],
)
def test_unusable_query_values_are_400_naming_the_parameter(
    deployment: Deployment, parameter: str, value: str
) -> None:
    status, error, _ = call_api("GET", "/leads", "/leads", query={parameter: [value]})
    assert (status, error["field"]) == (400, parameter), error


def cursor(position: Any, partner: str | None = None) -> str:
    plain = {"PK": f"P#{or_current(partner)}", "q": "marketplace/created_at/desc", "k": position}
    return base64.urlsafe_b64encode(json.dumps(plain).encode()).decode().rstrip("=")


@pytest.mark.parametrize("position", ["", "x" * 5000, 7, None])
def test_a_well_formed_cursor_with_an_unusable_position_is_400(deployment: Deployment, position: Any) -> None:
    status, error, _ = call_api("GET", "/leads", "/leads", query={"cursor": [cursor(position)]})
    assert (status, error["field"]) == (400, "cursor"), error


def test_an_empty_text_filter_is_no_filter_and_an_empty_value_of_a_vocabulary_is_400(
    deployment: Deployment,
) -> None:
    """As the document says: text parameters admit "", vocabularies and types do not."""
    invoke(sqs_event(marketplace_lead("e-empty")))
    status, page, _ = call_api("GET", "/leads", "/leads", query={"customer_name": [""], "cursor": [""]})
    assert status == 200 and len(page["items"]) == 1
    for name in ("status", "sort", "order", "created_from", "country", "tab", "limit", "include_test"):
        status, error, _ = call_api("GET", "/leads", "/leads", query={name: [""]})
        assert (status, error["field"]) == (400, name), error


def test_text_in_request_bodies_is_stored_normalised(deployment: Deployment) -> None:
    invoke(sqs_event(marketplace_lead("e-text")))
    _, page, _ = call_api("GET", "/leads", "/leads")
    lead_id = page["items"][0]["lead_id"]
    body = ACCEPT_BODY | {"deal_name": "Roll\x00out \x1b[1mnow\x1b[0m", "notes": "\u202ecall\u202c Monday"}
    status, lead, _ = call_api(
        "POST",
        f"/leads/{lead_id}/accept",
        "/leads/{lead_id}/accept",
        body=body,
        path_parameters={"lead_id": lead_id},
    )
    assert status == 200, lead
    assert (lead["deal_name"], lead["deal_notes"]) == ("Rollout now", "call Monday")


def test_a_lone_surrogate_in_a_body_is_422_not_500(deployment: Deployment) -> None:
    status, error = accept(
        '{"deal_name": "Roll\\ud800out", "estimated_value": 1, "estimated_close_date": "2027-01-01"}'
    )
    assert status in (404, 422), error  # refused as text, or cleaned and then the lead is unknown
