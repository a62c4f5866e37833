"""The leads API on a real local stack over HTTP: actions, the sweep CLI, the document."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from leaddesk_local.template import PROJECT_ROOT
from tests.helpers.leads import ACCEPT_BODY
from tests.helpers.stack import RunningStack, token

pytestmark = pytest.mark.e2e


def call(
    stack: RunningStack,
    method: str,
    path: str,
    bearer: str | None,
    headers: dict[str, str] | None = None,
    **kw: Any,
) -> httpx.Response:
    sent = {**(headers or {}), **({"Authorization": f"Bearer {bearer}"} if bearer else {})}
    return httpx.request(method, f"{stack.api_url}{path}", headers=sent, timeout=30, **kw)


def send_lead(stack: RunningStack, tmp_path: Any, partner: str, event_id: str) -> str:
    event = json.loads((PROJECT_ROOT / "events" / "new_lead.json").read_text())
    event["detail"]["partner_id"] = partner
    event["detail"]["event_id"] = event_id
    event["detail"]["UserDetails"]["Email"] = email = f"{event_id}@adventure-works.es"
    path = tmp_path / f"{event_id}.json"
    path.write_text(json.dumps(event))
    assert stack.cli("send", str(path)).returncode == 0
    bearer = token(stack, partner)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        page = call(stack, "GET", "/leads", bearer, params={"limit": "100"}).json()
        for lead in page["items"]:
            if lead["customer"]["email"] == email:
                lead_id: str = lead["lead_id"]
                return lead_id
        time.sleep(0.3)
    raise AssertionError(f"{event_id} never arrived")


def test_the_document_needs_no_token_and_swagger_ui_is_served(local_stack: RunningStack) -> None:
    answer = call(local_stack, "GET", "/openapi.json", None)
    assert answer.status_code == 200
    assert answer.json() == json.loads((PROJECT_ROOT / "docs" / "openapi.json").read_text())
    page = call(local_stack, "GET", "/docs", None)
    assert page.status_code == 200 and "SwaggerUIBundle" in page.text
    assert call(local_stack, "GET", "/leads/summary", None).status_code == 401


def test_accept_and_favorite_over_http(local_stack: RunningStack, tmp_path: Any) -> None:
    lead_id = send_lead(local_stack, tmp_path, "p-e2e-accept", "e2e-accept-1")
    bearer = token(local_stack, "p-e2e-accept")
    viewer = token(local_stack, "p-e2e-accept", "viewer")
    assert call(local_stack, "POST", f"/leads/{lead_id}/accept", viewer, json=ACCEPT_BODY).status_code == 403
    accepted = call(local_stack, "POST", f"/leads/{lead_id}/accept", bearer, json=ACCEPT_BODY)
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    stale = call(
        local_stack, "PATCH", f"/leads/{lead_id}", bearer, json={"notes": "x"}, headers={"If-Match": '"x.1"'}
    )
    assert stale.status_code == 412
    edited = call(
        local_stack,
        "PATCH",
        f"/leads/{lead_id}",
        bearer,
        json={"notes": "called"},
        headers={"If-Match": accepted.headers["ETag"]},
    )
    assert edited.status_code == 200 and edited.json()["deal_notes"] == "called"
    assert call(local_stack, "PUT", f"/leads/{lead_id}/favorite", bearer).status_code == 204
    favorites = call(local_stack, "GET", "/leads", bearer, params={"tab": "favorites"}).json()
    assert [lead["lead_id"] for lead in favorites["items"]] == [lead_id]
    summary = call(local_stack, "GET", "/leads/summary", bearer).json()
    assert summary["tabs"]["marketplace"]["by_status"]["accepted"] == 1


def test_leaddesk_sweep_at_a_time_runs_the_timed_rules(local_stack: RunningStack, tmp_path: Any) -> None:
    lead_id = send_lead(local_stack, tmp_path, "p-e2e-sweep", "e2e-sweep-1")
    bearer = token(local_stack, "p-e2e-sweep")
    created = datetime.fromisoformat(
        call(local_stack, "GET", f"/leads/{lead_id}", bearer).json()["created_at"]
    )
    early = local_stack.cli("sweep", "--at", (created + timedelta(days=1)).isoformat())
    assert early.returncode == 0, early.stderr
    assert call(local_stack, "GET", f"/leads/{lead_id}", bearer).json()["status"] == "received"
    late = local_stack.cli(
        "sweep", "--at", (created + timedelta(days=14, minutes=1)).astimezone(UTC).isoformat()
    )
    assert late.returncode == 0, late.stderr
    report = json.loads(late.stdout)
    assert report["events"].get("lead.expired", 0) >= 1
    lead = call(local_stack, "GET", f"/leads/{lead_id}", bearer).json()
    assert (lead["status"], lead["outcome"]) == ("archived", "expired")
    assert lead["customer"]["email"] is None
    bad = local_stack.cli("sweep", "--at", "next tuesday")
    assert bad.returncode == 2 and "ISO 8601" in bad.stderr


def test_the_stack_fires_the_sweep_schedule_by_itself(local_stack: RunningStack) -> None:
    """moto never fires schedules; the local stack does (every second in the test session)."""
    from tests.helpers.leads import make_lead, put_leads

    overdue = make_lead(partner="p-e2e-schedule", created_at=datetime.now(UTC) - timedelta(days=15))
    put_leads([overdue], local_stack.state["outputs"]["LeadsTableName"], local_stack.endpoint_url)
    bearer = token(local_stack, "p-e2e-schedule")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        lead = call(local_stack, "GET", f"/leads/{overdue.lead_id}", bearer).json()
        if lead["status"] == "archived":
            assert lead["outcome"] == "expired" and lead["history"][-1]["actor"] == "system"
            return
        time.sleep(0.5)
    raise AssertionError("the scheduled sweep never expired the overdue lead")
