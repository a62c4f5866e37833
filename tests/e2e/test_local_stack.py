"""The README's walk-through against a real local stack (`leaddesk up`) over HTTP."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
import pytest

from tests.helpers.stack import RunningStack, token

pytestmark = pytest.mark.e2e


def get(stack: RunningStack, path: str, bearer: str | None, **params: str) -> httpx.Response:
    headers = {"Authorization": f"Bearer {bearer}"} if bearer else {}
    return httpx.get(f"{stack.api_url}{path}", headers=headers, params=params, timeout=10)


def leads(stack: RunningStack, bearer: str, tab: str = "marketplace") -> list[dict[str, Any]]:
    answer = get(stack, "/leads", bearer, tab=tab, limit="100")
    assert answer.status_code == 200, answer.text
    items: list[dict[str, Any]] = answer.json()["items"]
    return items


def test_the_samples_are_listed_for_their_partner(local_stack: RunningStack) -> None:
    bearer = token(local_stack, "p-contoso")
    marketplace = leads(local_stack, bearer)
    companies = {lead["customer"]["company"] for lead in marketplace}
    qualified = {lead["customer"]["company"] for lead in leads(local_stack, bearer, "qualified")}
    assert {"Fourth Coffee", "Wingtip Toys", "Alpine Ski House"} <= companies  # mkt-0001, -0003, prof-0001
    assert any(lead["call_to_action"] == "get_it_now" for lead in marketplace)  # mkt-0002
    assert "Northwind Traders" in qualified  # qual-0001
    assert "Litware" not in companies  # p-fabrikam's sample


def test_send_makes_a_new_lead_appear(local_stack: RunningStack, tmp_path: Any) -> None:
    from leaddesk_local.template import PROJECT_ROOT

    event = json.loads((PROJECT_ROOT / "events" / "new_lead.json").read_text())
    event["detail"]["event_id"] = "e2e-send-1"
    event["detail"]["UserDetails"]["Email"] = email = "e2e-send-1@adventure-works.es"
    path = tmp_path / "lead.json"
    path.write_text(json.dumps(event))
    result = local_stack.cli("send", str(path))
    assert result.returncode == 0, result.stderr
    assert "sent as event" in result.stdout
    bearer = token(local_stack, "p-contoso")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if any(lead["customer"]["email"] == email for lead in leads(local_stack, bearer)):
            break
        time.sleep(0.3)
    else:
        pytest.fail("the sent lead never appeared")
    # sending it again (a producer retry) does not make a second lead
    assert local_stack.cli("send", str(path)).returncode == 0
    time.sleep(2)
    assert sum(lead["customer"]["email"] == email for lead in leads(local_stack, bearer)) == 1


def test_another_partner_sees_none_of_them(local_stack: RunningStack) -> None:
    contoso = leads(local_stack, token(local_stack, "p-contoso"))
    other = token(local_stack, "p-nobody", "viewer")
    assert leads(local_stack, other) == []
    answer = get(local_stack, f"/leads/{contoso[0]['lead_id']}", other)
    assert answer.status_code == 404


def test_no_or_bad_token_is_401(local_stack: RunningStack) -> None:
    assert get(local_stack, "/leads", None).status_code == 401
    assert get(local_stack, "/leads", "not-a-jwt").status_code == 401


def test_cli_errors_say_what_to_do(local_stack: RunningStack, tmp_path: Any) -> None:
    missing = local_stack.cli("send", str(tmp_path / "nope.json"))
    assert missing.returncode == 2 and "no such file" in missing.stderr
    bad = tmp_path / "bad.json"
    bad.write_text('{"hello": 1}')
    result = local_stack.cli("send", str(bad))
    assert result.returncode == 2 and "expected an EventBridge envelope" in result.stderr


def test_the_ready_line_says_the_state_is_in_memory_only(local_stack: RunningStack) -> None:
    from leaddesk_local.cli import IN_MEMORY_NOTICE

    log = local_stack.log_path.read_text(errors="replace")
    ready = log[log.index("local stack ready") :]
    assert IN_MEMORY_NOTICE in ready
    assert "gone when the stack stops" in IN_MEMORY_NOTICE


def test_the_web_app_is_served_with_cloudfronts_security_headers(local_stack: RunningStack) -> None:
    from leaddesk_local.local_access import web_security_headers
    from leaddesk_local.provision import Deployment
    from leaddesk_local.template import Template

    expected = web_security_headers(Template.load(), Deployment("leaddesk", None).lookup)
    for path in ("/app/", "/app/config.json", "/app/leads/some-lead"):
        answer = httpx.get(f"{local_stack.api_url}{path}", timeout=10)
        for name in (
            "Content-Security-Policy",
            "X-Frame-Options",
            "X-Content-Type-Options",
            "Referrer-Policy",
        ):
            assert answer.headers.get(name) == expected[name], (path, name)


def test_the_local_endpoints_are_for_the_stacks_own_tools(local_stack: RunningStack) -> None:
    """No web page can run the sweep "at" year 9999 on a developer's stack: the schedules want
    the per-run secret and refuse other origins; the `leaddesk` command has the secret."""
    from leaddesk_local.local_access import SECRET_HEADER

    sweep = f"{local_stack.api_url}/_local/schedules/LifecycleSweepFunction"
    at_9999 = {"at": "9999-12-31T00:00:00Z"}
    form_post = httpx.post(sweep, params=at_9999, data={"x": "1"}, timeout=10)
    assert form_post.status_code == 401
    secret = {SECRET_HEADER: local_stack.state["local_secret"]}
    cross_site = httpx.post(
        sweep, params=at_9999, headers={**secret, "Origin": "https://evil.example"}, timeout=10
    )
    assert cross_site.status_code == 403
    assert "Access-Control-Allow-Origin" not in cross_site.headers
    assert httpx.get(f"{local_stack.api_url}/_local/requests", timeout=10).status_code == 401
    sign_in_form = httpx.post(
        f"{local_stack.api_url}/_local/token", data={"partner_id": "p-contoso", "role": "viewer"}, timeout=10
    )
    assert sign_in_form.status_code == 415
    assert local_stack.cli("sweep").returncode == 0  # now: the command sends the secret
    mode = local_stack.state_path.stat().st_mode & 0o777
    assert mode == 0o600, oct(mode)


def test_every_function_call_on_the_stack_was_allowed_by_its_role(local_stack: RunningStack) -> None:
    """The stack checks each function's AWS calls against its role in template.yaml; the samples
    ingested at start (ingest, notifications, email) and these tests' requests met no refusal."""
    bearer = token(local_stack, "p-contoso")
    assert get(local_stack, "/leads", bearer).status_code == 200
    log = local_stack.log_path.read_text(errors="replace")
    assert "sample events ingested" in log
    assert "AWS would refuse" not in log
