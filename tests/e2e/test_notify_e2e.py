"""Notifications on a real local stack: settings over HTTP, emails in `leaddesk mail list`, the
digest fired by `leaddesk digest --at` (twice: nothing the second time)."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.helpers.stack import RunningStack, token

pytestmark = pytest.mark.e2e
PARTNER = "p-e2e-notify"
ADMIN = "ana@partner-e2e.com"


def mails(stack: RunningStack, *options: str) -> list[dict[str, Any]]:
    result = stack.cli("mail", "list", "--json", *options)
    assert result.returncode == 0, result.stderr
    found: list[dict[str, Any]] = json.loads(result.stdout)
    return found


def wait_for(stack: RunningStack, count: int, *options: str) -> list[dict[str, Any]]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = mails(stack, *options)
        if len(found) >= count:
            return found
        time.sleep(0.5)
    pytest.fail(f"expected {count} emails {options}, the local inbox has {mails(stack, *options)}")


def lead_event(n: int) -> dict[str, Any]:
    return {
        "detail-type": "Marketplace Lead",
        "source": "e2e.producer",
        "detail": {
            "partner_id": PARTNER,
            "event_id": f"e2e-notify-{n}",
            "UserDetails": {"FirstName": "Kim", "Email": f"kim{n}@buyer{n}.com", "Company": f"Buyer {n}"},
            "LeadSource": "AppSource-PLT | contoso.crm",
            "ActionCode": "PLT",
        },
    }


def test_emails_reach_the_local_inbox_and_the_digest_goes_once(
    local_stack: RunningStack, tmp_path: Path
) -> None:
    bearer = token(local_stack, PARTNER, "profile_admin")
    answer = httpx.put(
        f"{local_stack.api_url}/settings",
        headers={"Authorization": f"Bearer {bearer}"},
        json={"referral_admin_emails": [ADMIN], "language": "en"},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    events = tmp_path / "leads.json"
    events.write_text(json.dumps([lead_event(n) for n in range(12)]))
    sent = local_stack.cli("send", str(events))
    assert sent.returncode == 0, sent.stderr

    individual = wait_for(local_stack, 10, "--to", ADMIN)
    time.sleep(2)  # nothing more arrives: the 11th and 12th wait for the digest
    individual = mails(local_stack, "--to", ADMIN)
    assert len(individual) == 10
    first = individual[0]
    assert set(first) >= {"to", "subject", "text", "time"} and first["to"] == [ADMIN]
    assert (
        first["subject"].startswith("New lead: Buyer ")
        and f"{local_stack.api_url}/app/leads/" in first["text"]
    )
    plain = local_stack.cli("mail", "list", "--to", ADMIN)
    assert (
        plain.returncode == 0 and "Subject: New lead: Buyer" in plain.stdout and "10 email(s)" in plain.stdout
    )

    tomorrow = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%dT00:15:00Z")
    run = local_stack.cli("digest", "--at", tomorrow)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["sent"] >= 1
    [digest] = [m for m in mails(local_stack, "--to", ADMIN) if m["subject"].startswith("Digest of")]
    assert digest["subject"].endswith(": 2 more new leads") and digest["text"].count("/app/leads/") == 2
    again = local_stack.cli("digest", "--at", tomorrow)
    assert again.returncode == 0 and json.loads(again.stdout)["sent"] == 0
    assert len(mails(local_stack, "--to", ADMIN)) == 11

    feed = httpx.get(
        f"{local_stack.api_url}/notifications", headers={"Authorization": f"Bearer {bearer}"}, timeout=10
    ).json()
    assert feed["unread"] == 12 and feed["items"][0]["kind"] == "new_lead"


def test_mail_list_says_what_to_do_without_a_stack(local_stack: RunningStack, tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "leaddesk_local.cli", "mail", "list"],
        capture_output=True,
        text=True,
        env={**os.environ, "LEADDESK_LOCAL_STATE": str(tmp_path / "none.json")},
        check=False,
    )
    assert result.returncode == 2 and "make run" in result.stderr


BOUNCING = "gone@partner-e2e-bounce.com"
BOUNCE_PARTNER = "p-e2e-bounce"


def test_a_bounce_from_the_cli_shows_in_the_settings_and_can_be_cleared(local_stack: RunningStack) -> None:
    """`leaddesk mail bounce` publishes SES-shaped feedback on the stack's topic: SNS, the
    feedback queue and MailFeedbackFunction suppress the address; the settings API shows it."""
    admin = {"Authorization": f"Bearer {token(local_stack, BOUNCE_PARTNER, 'referrals_admin')}"}
    result = local_stack.cli("mail", "bounce", BOUNCING, "--partner", BOUNCE_PARTNER)
    assert result.returncode == 0, result.stderr
    url = f"{local_stack.api_url}/settings/suppressions"
    deadline, items = time.monotonic() + 60, []
    while time.monotonic() < deadline and not items:
        answer = httpx.get(url, headers=admin, timeout=30)
        assert answer.status_code == 200, answer.text
        items = answer.json()["items"]
        time.sleep(0.5)
    assert [(i["address"], i["kind"]) for i in items] == [(BOUNCING, "bounce")]
    feed = httpx.get(f"{local_stack.api_url}/notifications", headers=admin, timeout=30).json()
    assert [i["recipient"] for i in feed["items"] if i["kind"] == "address_suppressed"] == [BOUNCING]
    cleared = httpx.delete(f"{url}/{BOUNCING}", headers=admin, timeout=30)
    assert cleared.status_code == 204, cleared.text
    assert httpx.get(url, headers=admin, timeout=30).json()["items"] == []
    refused = local_stack.cli("mail", "bounce", "someone@nowhere-e2e.com")
    assert refused.returncode != 0 and "--partner" in (refused.stderr + refused.stdout)


def test_a_person_added_with_leaddesk_users_add_receives_the_partners_new_lead(
    local_stack: RunningStack, tmp_path: Path
) -> None:
    partner, una = "p-e2e-people", "una@partner-e2e-people.com"
    added = local_stack.cli("users", "add", "--partner", partner, "--email", una, "--role", "referrals_admin",
                            "--name", "Una Admin")  # fmt: skip
    assert added.returncode == 0 and "added una@partner-e2e-people.com" in added.stdout, added.stderr
    viewer = local_stack.cli("users", "add", "--partner", partner, "--email", "vic@partner-e2e-people.com",
                             "--role", "viewer")  # fmt: skip
    assert viewer.returncode == 0, viewer.stderr
    listed = local_stack.cli("users", "list", "--partner", partner, "--json")
    assert listed.returncode == 0, listed.stderr
    people = {p["email"]: p["roles"] for p in json.loads(listed.stdout)}
    assert people == {una: ["referrals_admin"], "vic@partner-e2e-people.com": ["viewer"]}
    plain = local_stack.cli("users", "list", "--partner", partner)
    assert "una@partner-e2e-people.com  (Una Admin)  referrals_admin" in plain.stdout

    event = lead_event(99) | {
        "detail": lead_event(99)["detail"] | {"partner_id": partner, "event_id": "e2e-people-1"}
    }
    events = tmp_path / "lead.json"
    events.write_text(json.dumps(event))
    assert local_stack.cli("send", str(events)).returncode == 0
    [mail] = wait_for(local_stack, 1, "--to", una)
    assert mail["to"] == [una] and mail["subject"] == "New lead: Buyer 99"
    bearer = token(local_stack, partner, "viewer")
    answer = httpx.get(
        f"{local_stack.api_url}/settings", headers={"Authorization": f"Bearer {bearer}"}, timeout=10
    )
    assert answer.json()["referrals_admin_users"] == [una] and answer.json()["unreached_lead_types"] == []
    # `leaddesk mail bounce` without --partner reads the partner from the last email to the address.
    bounced = local_stack.cli("mail", "bounce", una)
    assert bounced.returncode == 0, bounced.stderr
    assert f"bounce of {una} for partner {partner}" in bounced.stdout


def test_make_runs_sample_partner_has_a_referrals_admin_who_was_emailed(local_stack: RunningStack) -> None:
    listed = local_stack.cli("users", "list", "--partner", "p-contoso", "--json")
    assert listed.returncode == 0, listed.stderr
    [admin] = [p["email"] for p in json.loads(listed.stdout) if "referrals_admin" in p["roles"]]
    assert wait_for(local_stack, 1, "--to", admin)  # the sample leads' new-lead emails
