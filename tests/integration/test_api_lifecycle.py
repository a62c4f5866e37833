"""Lifecycle actions through the API function on moto: status codes, history, events on the bus."""

from __future__ import annotations

import json
from typing import Any

import pytest

from leaddesk_local.provision import Deployment
from tests.helpers.api import call_api
from tests.helpers.bus import capture_bus_events, drain
from tests.helpers.ingest import invoke, marketplace_lead, sqs_event
from tests.helpers.leads import ACCEPT_BODY
from tests.helpers.tenants import Partners, or_current

ROUTE = "/leads/{lead_id}"


def new_lead(partner: str | None = None, event_id: str = "ev-1") -> str:
    partner = or_current(partner)
    invoke(sqs_event(marketplace_lead(event_id, partner=partner, email=f"{event_id}@contoso.com")))
    status, page, _ = call_api("GET", "/leads", "/leads", partner=partner, query={"limit": ["100"]})
    assert status == 200
    email = f"{event_id}@contoso.com"
    return next(lead["lead_id"] for lead in page["items"] if lead["customer"]["email"] == email)


def post(
    lead_id: str, action: str, body: Any, roles: tuple[str, ...] = ("referrals_admin",), **kw: Any
) -> Any:
    return call_api(
        "POST",
        f"/leads/{lead_id}/{action}",
        f"{ROUTE}/{action}",
        roles=roles,
        body=body,
        path_parameters={"lead_id": lead_id},
        **kw,
    )


def get(lead_id: str, partner: str | None = None) -> tuple[int, Any, dict[str, str]]:
    return call_api(
        "GET", f"/leads/{lead_id}", ROUTE, partner=or_current(partner), path_parameters={"lead_id": lead_id}
    )


def patch(lead_id: str, body: Any, if_match: str | None = None) -> tuple[int, Any, dict[str, str]]:
    headers = {"if-match": if_match} if if_match else {}
    return call_api(
        "PATCH", f"/leads/{lead_id}", ROUTE, body=body, headers=headers, path_parameters={"lead_id": lead_id}
    )


def events_of(queue: str) -> list[dict[str, Any]]:
    return [e for e in drain(queue) if e.get("source") == "leaddesk"]


def test_accept_then_work_the_deal_to_won(deployment: Deployment, partners: Partners) -> None:
    lead_id = new_lead()
    queue = capture_bus_events(deployment)
    status, lead, headers = post(lead_id, "accept", ACCEPT_BODY)
    assert status == 200, lead
    assert lead["status"] == "accepted" and lead["deal_name"] == ACCEPT_BODY["deal_name"]
    assert headers["ETag"] == lead["etag"]
    assert lead["history"][-1]["from_status"] == "received" and lead["history"][-1]["to_status"] == "accepted"
    assert lead["history"][-1]["actor"] == f"user-{partners.contoso}"

    status, body, _ = post(lead_id, "won", {})
    assert status == 409
    assert body["status"] == "accepted" and body["missing"] == ["qualify", "evaluate"]
    assert post(lead_id, "qualify", {"customer_responded": True, "notes": "called back"})[0] == 200
    status, body, _ = post(lead_id, "convert", {"opportunity_id": "opp-9"})
    assert status == 409 and body["missing"] == ["evaluate"]
    bant = {"budget": "will_buy", "authority": True, "need": "must_have", "timeline": "this_quarter"}
    assert post(lead_id, "evaluate", bant)[0] == 200
    status, won, _ = post(lead_id, "won", {"notes": "signed"})
    assert status == 200 and (won["status"], won["outcome"]) == ("archived", "won")
    assert [h["action"] for h in won["history"]] == ["accept", "qualify", "evaluate", "won"]

    published = events_of(queue)
    assert [e["detail-type"] for e in published] == [
        "lead.accepted",
        "lead.qualified",
        "lead.evaluated",
        "lead.won",
    ]
    assert all(
        e["detail"]["lead_id"] == lead_id and e["detail"]["partner_id"] == partners.contoso for e in published
    )
    assert published[0]["detail"]["from_status"] == "received"

    # archived is terminal: every action answers 409 with the current state
    for action, body in [
        ("accept", ACCEPT_BODY),
        ("decline", {"reason": "not_a_customer"}),
        ("lost", {"reason": "budget_not_adequate"}),
        ("close-as-error", {"reason": "duplicate"}),
        ("qualify", {"customer_responded": True}),
    ]:
        status, conflict, _ = post(lead_id, action, body)
        assert status == 409, action
        assert (conflict["status"], conflict["outcome"]) == ("archived", "won")
    assert patch(lead_id, {"deal_name": "x"})[0] == 409


@pytest.mark.parametrize(
    ("action", "body", "outcome", "event"),
    [
        (
            "decline",
            {"reason": "customer_chose_another_vendor", "notes": "went elsewhere"},
            "declined",
            "lead.declined",
        ),
        ("close-as-error", {"reason": "test_lead"}, "error", "lead.archived"),
    ],
)
def test_closing_a_received_lead(
    deployment: Deployment, action: str, body: dict[str, Any], outcome: str, event: str
) -> None:
    lead_id = new_lead()
    queue = capture_bus_events(deployment)
    status, lead, _ = post(lead_id, action, body)
    assert status == 200 and (lead["status"], lead["outcome"]) == ("archived", outcome)
    published = events_of(queue)
    assert [e["detail-type"] for e in published] == [event]
    assert published[0]["detail"]["outcome"] == outcome


def test_lost_from_accepted(deployment: Deployment) -> None:
    lead_id = new_lead()
    post(lead_id, "accept", ACCEPT_BODY)
    status, lead, _ = post(lead_id, "lost", {"reason": "other", "notes": "budget moved"})
    assert status == 200 and lead["outcome"] == "lost" and lead["closure"]["reason"] == "other"


@pytest.mark.parametrize(
    ("action", "body", "field"),
    [
        ("decline", {"reason": "other"}, "notes"),
        ("decline", {"reason": "bored"}, "reason"),
        ("decline", {}, "reason"),
        ("accept", {**ACCEPT_BODY, "currency": "ABC"}, "currency"),
        ("accept", {**ACCEPT_BODY, "estimated_value": -5}, "estimated_value"),
        ("accept", {**ACCEPT_BODY, "estimated_close_date": "soon"}, "estimated_close_date"),
        ("accept", {**ACCEPT_BODY, "team": [{"name": "x", "email": "not-an-email"}]}, "team.0.email"),
        ("accept", {**ACCEPT_BODY, "surprise": 1}, "surprise"),
        ("evaluate", {"budget": "infinite"}, "budget"),
        ("close-as-error", {"reason": "not_a_customer"}, "reason"),
    ],
)
def test_invalid_bodies_answer_422_naming_the_field(
    deployment: Deployment, action: str, body: dict[str, Any], field: str
) -> None:
    lead_id = new_lead()
    status, answer, _ = post(lead_id, action, body)
    assert status == 422, answer
    assert answer["field"] == field
    assert answer["message"].startswith(field)


def test_a_viewer_cannot_act_but_can_read(deployment: Deployment) -> None:
    lead_id = new_lead()
    status, body, _ = post(lead_id, "accept", ACCEPT_BODY, roles=("viewer",))
    assert status == 403 and "referrals_admin" in body["message"]
    status, body, _ = post(lead_id, "accept", ACCEPT_BODY, roles=("profile_admin",))
    assert status == 403
    for method in ("PUT", "DELETE"):
        answer = call_api(
            method,
            f"/leads/{lead_id}/favorite",
            f"{ROUTE}/favorite",
            roles=("viewer",),
            path_parameters={"lead_id": lead_id},
        )
        assert answer[0] == 403
    assert get(lead_id)[1]["status"] == "received"
    assert call_api("GET", "/leads/summary", "/leads/summary", roles=("viewer",))[0] == 200


def test_edit_honours_if_match(deployment: Deployment) -> None:
    lead_id = new_lead()
    assert patch(lead_id, {"deal_name": "too early"})[0] == 409  # received: not editable yet
    _, accepted, _ = post(lead_id, "accept", ACCEPT_BODY)
    etag = accepted["etag"]
    status, edited, headers = patch(
        lead_id, {"deal_name": "Bigger deal", "team_add": [{"name": "Cy", "email": "cy@p.example"}]}, etag
    )
    assert status == 200 and edited["deal_name"] == "Bigger deal"
    assert headers["ETag"] != etag and [m["email"] for m in edited["team"]] == [
        "bo@partner.example",
        "cy@p.example",
    ]
    status, stale, _ = patch(lead_id, {"deal_name": "Lost update"}, etag)
    assert status == 412 and stale["etag"] == edited["etag"] and stale["field"] == "If-Match"
    assert get(lead_id)[1]["deal_name"] == "Bigger deal"
    assert patch(lead_id, {"notes": "no precondition"})[0] == 200
    status, invalid, _ = patch(lead_id, {"estimated_value": "lots"}, None)
    assert status == 422 and invalid["field"] == "estimated_value"


def test_favorite_is_an_idempotent_bookmark(deployment: Deployment) -> None:
    lead_id = new_lead()
    post(lead_id, "decline", {"reason": "not_a_customer"})  # works on archived leads too
    path = f"/leads/{lead_id}/favorite"
    for _ in range(2):
        status, _, _ = call_api("PUT", path, f"{ROUTE}/favorite", path_parameters={"lead_id": lead_id})
        assert status == 204
    _, favorites, _ = call_api("GET", "/leads", "/leads", query={"tab": ["favorites"]})
    assert [lead["lead_id"] for lead in favorites["items"]] == [lead_id]
    assert favorites["items"][0]["favorite"] is True
    for _ in range(2):
        assert call_api("DELETE", path, f"{ROUTE}/favorite", path_parameters={"lead_id": lead_id})[0] == 204
    _, favorites, _ = call_api("GET", "/leads", "/leads", query={"tab": ["favorites"]})
    assert favorites["items"] == []
    assert get(lead_id)[1]["favorite"] is False


def test_summary_counts_tabs_and_statuses(deployment: Deployment, partners: Partners) -> None:
    first, second, _third = new_lead(event_id="a"), new_lead(event_id="b"), new_lead(event_id="c")
    post(first, "accept", ACCEPT_BODY)
    post(second, "decline", {"reason": "not_a_customer"})
    call_api("PUT", f"/leads/{second}/favorite", f"{ROUTE}/favorite", path_parameters={"lead_id": second})
    new_lead(partner=partners.other, event_id="x")
    status, summary, _ = call_api("GET", "/leads/summary", "/leads/summary")
    assert status == 200
    marketplace = summary["tabs"]["marketplace"]
    assert marketplace["total"] == 3
    assert marketplace["by_status"] == {"received": 1, "accepted": 1, "archived": 1, "informational": 0}
    assert summary["tabs"]["qualified"]["total"] == 0
    assert summary["tabs"]["favorites"] == {
        "total": 1,
        "by_status": {"received": 0, "accepted": 0, "archived": 1, "informational": 0},
    }


def test_the_openapi_document_route(deployment: Deployment) -> None:
    status, document, _ = call_api("GET", "/openapi.json", "/openapi.json", partner=None)
    assert status == 200
    assert document["openapi"].startswith("3.") and "/leads/{lead_id}/accept" in document["paths"]
    assert json.dumps(document["paths"]["/openapi.json"]["get"]["security"]) == "[{}]"


def test_the_history_names_who_changed_what_from_the_token(
    deployment: Deployment, partners: Partners
) -> None:
    """An edit's history entry: each changed field before and after, the token's subject and the
    person's email (what the workspace shows as the author)."""
    import importlib

    from leaddesk_local.lambda_events import LambdaContext, api_event
    from leaddesk_local.tokens import as_authorizer_claims

    lead_id = new_lead()
    assert post(lead_id, "accept", ACCEPT_BODY)[0] == 200
    _, lead, _ = get(lead_id)
    claims = as_authorizer_claims(
        {
            "sub": "9f1c-uuid",
            "email": "ana@contoso.com",
            "custom:partner_id": partners.contoso,
            "cognito:groups": ["referrals_admin"],
        }
    )
    event = api_event(
        method="PATCH",
        path=f"/leads/{lead_id}",
        route_path=ROUTE,
        claims=claims,
        path_parameters={"lead_id": lead_id},
        headers={"content-type": "application/json", "if-match": lead["etag"]},
        body=json.dumps({"crm_id": "CRM-42", "estimated_value": 99}),
    )
    handler = importlib.import_module("leads_api.app").handler
    answer = handler(event, LambdaContext(function_name="leads_api.app"))
    assert answer["statusCode"] == 200, answer["body"]
    entry = json.loads(answer["body"])["history"][-1]
    assert (entry["action"], entry["actor"], entry["actor_name"]) == ("edit", "9f1c-uuid", "ana@contoso.com")
    assert {c["field"]: (c["from"], c["to"]) for c in entry["changes"]} == {
        "crm_id": (ACCEPT_BODY.get("crm_id"), "CRM-42"),
        "estimated_value": (ACCEPT_BODY["estimated_value"], 99),
    }
    assert lead["history"][-1]["actor_name"] is None  # the tests' tokens carry no name or email
