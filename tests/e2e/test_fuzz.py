"""Schemathesis against the running local stack, with every check, and zero failures allowed.

Quick in `make test` (LEADDESK_FUZZ_EXAMPLES unset: a few examples per operation, every phase);
deep in `make fuzz` (hundreds per operation). The run is the project's own `st run` with
tests/e2e/schemathesis.toml (what each check may expect of this API, and why) and
tests/e2e/fuzz_hooks.py (real lead ids for schema-valid cases; no generated cursors).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from leaddesk_local.template import PROJECT_ROOT
from tests.helpers.stack import RunningStack, token

pytestmark = pytest.mark.e2e

PARTNER = "p-fuzz"
QUICK_EXAMPLES = 5


def fuzz_leads(stack: RunningStack, tmp_path: Path) -> list[str]:
    """The sample events, sent again for the fuzz partner: leads in every starting state."""
    events = []
    for number, sample in enumerate(sorted((PROJECT_ROOT / "events" / "inbound").glob("*.json"))):
        event = json.loads(sample.read_text(encoding="utf-8"))
        event["detail"] |= {"partner_id": PARTNER, "event_id": f"fuzz-{number}"}
        events.append(event)
    path = tmp_path / "fuzz-events.json"
    path.write_text(json.dumps(events), encoding="utf-8")
    assert stack.cli("send", str(path)).returncode == 0
    bearer = token(stack, PARTNER, "viewer")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        ids: list[str] = []
        for tab in ("marketplace", "qualified"):
            page = httpx.get(
                f"{stack.api_url}/leads",
                params={"tab": tab, "limit": "100", "include_test": "true"},
                headers={"Authorization": f"Bearer {bearer}"},
                timeout=30,
            ).json()
            ids += [lead["lead_id"] for lead in page["items"]]
        if len(ids) == len(events):
            return ids
        time.sleep(0.5)
    raise AssertionError(f"only {len(ids)} of {len(events)} fuzz leads arrived")


@pytest.mark.long
def test_schemathesis_with_every_check_finds_nothing(local_stack: RunningStack, tmp_path: Path) -> None:
    examples = int(os.environ.get("LEADDESK_FUZZ_EXAMPLES", QUICK_EXAMPLES))
    command = [
        str(Path(sys.executable).parent / "schemathesis"),
        "--config-file",
        str(PROJECT_ROOT / "tests" / "e2e" / "schemathesis.toml"),
        "run",
        str(PROJECT_ROOT / "docs" / "openapi.json"),
        "--url",
        local_stack.api_url,
        "--header",
        f"Authorization: Bearer {token(local_stack, PARTNER)}",
        "--checks",
        "all",
        # API Gateway, not LeadDesk, answers a method no route declares (404, not 405): see the toml.
        "--exclude-checks",
        "unsupported_method",
        "--max-examples",
        str(examples),
        "--seed",
        os.environ.get("LEADDESK_FUZZ_SEED", "20261124"),
        "--continue-on-failure",
        "--no-color",
    ]
    environment = {
        **os.environ,
        "SCHEMATHESIS_HOOKS": "tests.e2e.fuzz_hooks",
        "LEADDESK_FUZZ_LEAD_IDS": ",".join(fuzz_leads(local_stack, tmp_path)),
        "PYTHONPATH": str(PROJECT_ROOT),
    }
    started = time.monotonic()
    result = subprocess.run(
        command, capture_output=True, text=True, env=environment, cwd=PROJECT_ROOT, timeout=3600, check=False
    )
    summary = result.stdout[result.stdout.find("SUMMARY") :] if "SUMMARY" in result.stdout else result.stdout
    print(f"schemathesis, {examples} examples per operation, {time.monotonic() - started:.0f} s:\n{summary}")
    assert result.returncode == 0, result.stdout[-20000:] + result.stderr[-5000:]
