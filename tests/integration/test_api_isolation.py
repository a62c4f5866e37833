"""Tenant isolation and the no-Scan rule, over every route the API declares (read from OpenAPI)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from leaddesk_local.provision import Deployment
from leaddesk_local.template import Template
from tests.helpers.api import call_api
from tests.helpers.ingest import invoke, marketplace_lead, sqs_event
from tests.helpers.leads import ACCEPT_BODY
from tests.helpers.tenants import Partners

BODIES: dict[str, Any] = {
    "accept": ACCEPT_BODY,
    "decline": {"reason": "not_a_customer"},
    "qualify": {"customer_responded": True},
    "evaluate": {"budget": "can_buy"},
    "won": {},
    "lost": {"reason": "budget_not_adequate"},
    "convert": {"opportunity_id": "opp-1"},
    "close-as-error": {"reason": "duplicate"},
}


def routes() -> list[tuple[str, str]]:
    from leads_api.openapi_document import openapi_document

    return sorted(
        (method.upper(), path)
        for path, ops in json.loads(openapi_document())["paths"].items()
        for method in ops
    )


def body_for(method: str, path: str) -> Any:
    if method == "PATCH":
        return {"deal_name": "x"}
    if method == "POST":
        return BODIES[path.rsplit("/", 1)[-1]]
    return None


def request(method: str, route: str, lead_id: str, partner: str) -> tuple[int, Any, dict[str, str]]:
    if not route.startswith("/leads"):  # the notifications API's routes, served by their own function
        from tests.helpers.notify import call_notify_api

        item = "20260101T000000000000Z.new_lead." + lead_id
        status, answer = call_notify_api(
            method,
            route.replace("{notification_id}", item),
            route,
            partner,
            body={"language": "en"} if method == "PUT" else None,
            path_parameters={"notification_id": item} if "{notification_id}" in route else None,
        )
        return status, answer, {}
    path = route.replace("{lead_id}", lead_id)
    return call_api(
        method,
        path,
        route,
        partner=partner,
        body=body_for(method, route),
        path_parameters={"lead_id": lead_id} if "{lead_id}" in route else None,
    )


def contoso_lead() -> str:
    """A lead of the test's own partner; its id."""
    invoke(sqs_event(marketplace_lead("iso-1")))
    _, page, _ = call_api("GET", "/leads", "/leads")
    lead_id: str = page["items"][0]["lead_id"]
    return lead_id


def test_routes_cover_the_template(template: Template) -> None:
    declared = {
        (r["Method"].upper(), r["Path"])
        for spec in template.functions()
        for r in spec.events_of("HttpApi").values()
    }
    assert set(routes()) == declared
    assert len([r for r in routes() if "{lead_id}" in r[1]]) >= 12


@pytest.mark.parametrize(("method", "route"), [r for r in routes() if "{lead_id}" in r[1]])
def test_another_tenants_id_is_404_on_every_route(
    deployment: Deployment, partners: Partners, method: str, route: str
) -> None:
    lead_id = contoso_lead()
    status, body, _ = request(method, route, lead_id, partner=partners.fabrikam)
    assert status == 404, (method, route, body)
    assert lead_id in body["message"]
    # and nothing changed for the owner
    _, lead, _ = call_api(
        "GET", f"/leads/{lead_id}", "/leads/{lead_id}", path_parameters={"lead_id": lead_id}
    )
    assert (lead["status"], lead["favorite"], lead["etag"]) == ("received", False, f'"{lead_id}.1"')
    # an id that exists nowhere answers the same
    assert request(method, route, "01ZZZZZZZZZZZZZZZZZZZZZZZZ", partner=partners.fabrikam)[0] == 404


@pytest.fixture
def scan_forbidden(deployment: Deployment) -> Iterator[list[str]]:
    """A `before-call.dynamodb.Scan` hook on the handlers' DynamoDB client: any Scan fails."""
    from leaddesk.adapters import aws

    calls: list[str] = []

    def refuse(**kwargs: Any) -> None:
        calls.append(str(kwargs.get("params", {}).get("TableName")))
        raise AssertionError("a request path called Scan")

    events = aws.dynamodb().meta.events
    events.register("before-call.dynamodb.Scan", refuse, unique_id="no-scan")
    try:
        yield calls
    finally:
        events.unregister("before-call.dynamodb.Scan", unique_id="no-scan")


def test_the_hook_catches_a_scan(deployment: Deployment, scan_forbidden: list[str]) -> None:
    from leaddesk.adapters import aws

    with pytest.raises(AssertionError, match="called Scan"):
        aws.dynamodb().scan(TableName=deployment.refs["LeadsTable"])
    assert scan_forbidden


@pytest.mark.fresh_deployment  # the sweep and the digest read every partner's due leads and days
def test_no_route_ever_scans(deployment: Deployment, partners: Partners, scan_forbidden: list[str]) -> None:
    from leaddesk_local.lambda_events import LambdaContext, scheduled_event
    from sweep.app import handler as sweep

    lead_id = contoso_lead()
    for method, route in routes():
        status, _, _ = request(method, route, lead_id, partner=partners.contoso)
        assert status < 500, (method, route)
    for query in (
        {"tab": ["favorites"], "sort": ["customer_name"]},
        {"status": ["received,archived"], "country": ["US"], "customer_name": ["con"]},
        {"sort": ["estimated_value"], "created_from": ["2026-01-01T00:00:00Z"]},
    ):
        assert call_api("GET", "/leads", "/leads", query=query)[0] == 200
    sweep(scheduled_event("2030-01-01T00:00:00Z"), LambdaContext(function_name="LifecycleSweepFunction"))
    from tests.helpers.leads import make_lead, put_leads
    from tests.helpers.notify import digest, lead_envelope, notify, put_settings

    put_settings(referral_admin_emails=["ana@partner-contoso.com"])
    busy = [make_lead(created_at=datetime(2026, 11, 3, tzinfo=UTC) + timedelta(minutes=n)) for n in range(12)]
    put_leads(busy, deployment.refs["LeadsTable"])
    notify(*[lead_envelope("lead.received", lead) for lead in busy[:10]])
    notify(*[lead_envelope("lead.received", lead) for lead in busy[10:]])
    assert digest("2026-11-04T00:15:00Z")["sent"] == 1
    assert scan_forbidden == []
