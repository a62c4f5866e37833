"""`leaddesk dlq list|redrive` against a real local stack: a bad event is sent with `leaddesk send`,
shows up with its reason, and is replayed (fixed, or as it is) until its lead exists."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.helpers.stack import RunningStack

pytestmark = pytest.mark.e2e


def dead_letters(stack: RunningStack) -> list[dict[str, Any]]:
    result = stack.cli("dlq", "list", "--json")
    assert result.returncode == 0, result.stderr
    rows: list[dict[str, Any]] = json.loads(result.stdout)
    return rows


def wait_for_dead_letter(stack: RunningStack, event_id: str, timeout: float = 20) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for row in dead_letters(stack):
            if row["event_id"] == event_id:
                return row
        time.sleep(0.3)
    pytest.fail(f"event {event_id} never reached the dead-letter queue")


def lead_exists(stack: RunningStack, partner: str, email: str, timeout: float = 20) -> bool:
    """Whether the partner's list shows a lead of this customer (the API keeps producer ids inside)."""
    bearer = stack.cli("token", "--partner", partner, "--role", "viewer").stdout.strip()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        answer = httpx.get(
            f"{stack.api_url}/leads",
            headers={"Authorization": f"Bearer {bearer}"},
            params={"limit": "100"},
            timeout=10,
        )
        assert answer.status_code == 200, answer.text
        if any(lead["customer"]["email"] == email for lead in answer.json()["items"]):
            return True
        time.sleep(0.3)
    return False


def marketplace_event(event_id: str, partner: str | None) -> dict[str, Any]:
    detail: dict[str, Any] = {
        "event_id": event_id,
        "UserDetails": {"FirstName": "Noor", "Email": f"{event_id}@fabrikam.com", "Company": "Fabrikam"},
        "LeadSource": "AzureMarketplace-PLT | fabrikam.backup",
        "ActionCode": "PLT",
    }
    if partner:
        detail["partner_id"] = partner
    return {"detail-type": "Marketplace Lead", "source": "e2e.producer", "detail": detail}


def test_a_bad_event_is_listed_with_its_reason_and_replayed_after_a_fix(
    local_stack: RunningStack, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(marketplace_event("e2e-dlq-fix", partner=None)))
    sent = local_stack.cli("send", str(bad))
    assert sent.returncode == 0, sent.stderr

    row = wait_for_dead_letter(local_stack, "e2e-dlq-fix")
    assert (row["field"], row["reason"], row["detail_type"]) == ("partner_id", "missing", "Marketplace Lead")
    table = local_stack.cli("dlq", "list")
    assert table.returncode == 0 and "e2e-dlq-fix" in table.stdout and "partner_id" in table.stdout
    assert "REASON" in table.stdout and "leaddesk dlq redrive" in table.stdout

    dry = local_stack.cli("dlq", "redrive", "--id", "e2e-dlq-fix", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "would replay" in dry.stdout
    assert any(r["event_id"] == "e2e-dlq-fix" for r in dead_letters(local_stack))  # still there

    # The fix: the envelope as the bus delivered it, with the missing partner added.
    fixed = tmp_path / "fixed.json"
    stored = json.loads(local_stack.cli("dlq", "list", "--json").stdout)
    assert any(r["id"] == row["id"] for r in stored)
    envelope = {
        "detail-type": "Marketplace Lead",
        "source": "e2e.producer",
        "detail": marketplace_event("e2e-dlq-fix", partner="p-dlq-fix")["detail"],
    }
    fixed.write_text(json.dumps(envelope))
    replay = local_stack.cli("dlq", "redrive", "--id", row["id"], "--body", str(fixed))
    assert replay.returncode == 0, replay.stderr
    assert "replayed" in replay.stdout
    assert lead_exists(local_stack, "p-dlq-fix", "e2e-dlq-fix@fabrikam.com")
    assert all(r["event_id"] != "e2e-dlq-fix" for r in dead_letters(local_stack))


def test_a_letter_moved_by_the_redrive_policy_says_retries_exhausted_and_replays_as_is(
    local_stack: RunningStack,
) -> None:
    """SQS's own redrive (maxReceiveCount) moves the body unchanged, without LeadDesk's reason."""
    sqs = local_stack.client("sqs")
    dlq_url = local_stack.state["outputs"]["IngestDeadLetterQueueUrl"]
    body = {
        "version": "0",
        "id": "env-exhausted",
        "detail-type": "Profile Inquiry",
        "source": "e2e.producer",
        "time": "2026-11-24T01:00:00Z",
        "detail": {
            "partner_id": "p-dlq-exhausted",
            "event_id": "e2e-dlq-exhausted",
            "customer": {"first_name": "Ines", "email": "ines@tailspintoys.com", "company": "Tailspin"},
            "need": "a quote",
        },
    }
    sqs.send_message(QueueUrl=dlq_url, MessageBody=json.dumps(body))
    row = wait_for_dead_letter(local_stack, "e2e-dlq-exhausted")
    assert row["reason"].startswith("retries exhausted") and row["field"] is None
    assert row["partner_id"] == "p-dlq-exhausted"

    replay = local_stack.cli("dlq", "redrive", "--id", "e2e-dlq-exhausted")
    assert replay.returncode == 0, replay.stderr
    assert lead_exists(local_stack, "p-dlq-exhausted", "ines@tailspintoys.com")
    assert all(r["event_id"] != "e2e-dlq-exhausted" for r in dead_letters(local_stack))


def test_redrive_all_replays_every_letter_and_a_still_bad_one_comes_back(
    local_stack: RunningStack, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([marketplace_event(f"e2e-dlq-all-{n}", partner=None) for n in range(3)]))
    assert local_stack.cli("send", str(bad)).returncode == 0
    for n in range(3):
        wait_for_dead_letter(local_stack, f"e2e-dlq-all-{n}")
    replay = local_stack.cli("dlq", "redrive", "--all")
    assert replay.returncode == 0, replay.stderr
    assert replay.stdout.count("replayed") >= 3
    # Replayed unchanged, they are still missing their partner: ingest dead-letters them again,
    # with the reason — a redrive never loses an event.
    for n in range(3):
        assert wait_for_dead_letter(local_stack, f"e2e-dlq-all-{n}")["field"] == "partner_id"


def test_cli_errors_say_what_to_do(local_stack: RunningStack, tmp_path: Path) -> None:
    nothing = local_stack.cli("dlq", "redrive")
    assert nothing.returncode == 2 and "--id ID" in nothing.stderr and "--all" in nothing.stderr
    unknown = local_stack.cli("dlq", "redrive", "--id", "no-such-letter")
    assert unknown.returncode == 2 and "leaddesk dlq list" in unknown.stderr
    body_for_all = local_stack.cli("dlq", "redrive", "--all", "--body", str(tmp_path / "x.json"))
    assert body_for_all.returncode == 2 and "single --id" in body_for_all.stderr


def test_a_letter_nested_5000_deep_neither_crashes_the_tooling_nor_hides_the_queue(
    local_stack: RunningStack,
) -> None:
    sqs = local_stack.client("sqs")
    dlq_url = local_stack.state["outputs"]["IngestDeadLetterQueueUrl"]
    deep = '{"detail": ' * 5000 + "1" + "}" * 5000
    sqs.send_message(QueueUrl=dlq_url, MessageBody=deep)
    body = {"detail-type": "Profile Inquiry", "source": "e2e", "detail": {"event_id": "e2e-dlq-beside-deep"}}
    sqs.send_message(QueueUrl=dlq_url, MessageBody=json.dumps(body))
    rows = dead_letters(local_stack)  # twice in a row: nothing was left invisible by the first
    again = dead_letters(local_stack)
    assert any(r["event_id"] == "e2e-dlq-beside-deep" for r in rows)
    assert {r["id"] for r in rows} <= {r["id"] for r in again}
    deep_row = next(r for r in rows if r["event_id"] is None and r["reason"].startswith("retries exhausted"))
    table = local_stack.cli("dlq", "list")
    assert table.returncode == 0, table.stderr
    dry = local_stack.cli("dlq", "redrive", "--id", deep_row["id"], "--dry-run")
    assert dry.returncode == 0 and "would replay" in dry.stdout, dry.stderr


def test_a_mistyped_detail_type_is_a_dead_letter_not_silence(
    local_stack: RunningStack, tmp_path: Path
) -> None:
    event = marketplace_event("e2e-dlq-typo", partner="p-dlq-typo") | {"detail-type": "Marketplace lead"}
    path = tmp_path / "typo.json"
    path.write_text(json.dumps(event))
    assert local_stack.cli("send", str(path)).returncode == 0
    row = wait_for_dead_letter(local_stack, "e2e-dlq-typo")
    assert row["field"] == "detail-type" and row["reason"].startswith("unknown detail-type")
