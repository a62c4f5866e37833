"""The verification snippets of docs/webhooks.md, run as a receiver would run them: the Node one
is an implementation independent of LeadDesk's (Node's crypto), the Python one uses only the
standard library. Both accept a real delivery, both signatures of a rotation, and refuse a
tampered body, a wrong secret and a stale timestamp."""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from leaddesk.domain.signing import signature_headers
from leaddesk.domain.webhooks import new_secret
from leaddesk_local.template import PROJECT_ROOT

DOC = (PROJECT_ROOT / "docs" / "webhooks.md").read_text(encoding="utf-8")
NODE = shutil.which("node")


def snippet(language: str) -> str:
    found = re.search(rf"```{language}\n(.*?)```", DOC, re.DOTALL)
    assert found, f"docs/webhooks.md has no {language} block"
    return found.group(1)


def cases() -> list[tuple[str, str, dict[str, str], bytes, bool]]:
    """(name, secret, headers, body, expected)."""
    old, new = new_secret(), new_secret()
    body = json.dumps({"type": "lead.received", "data": {"lead_id": "01ABC", "company": "Çay Evi"}}).encode()
    now = datetime.now(UTC)
    rotated = signature_headers("msg_1", now, body.decode(), [new, old])
    stale = signature_headers("msg_2", now - timedelta(minutes=10), body.decode(), [new])
    return [
        ("current secret", new, rotated, body, True),
        ("previous secret during the overlap", old, rotated, body, True),
        ("tampered body", new, rotated, body.replace(b"01ABC", b"01ABD"), False),
        ("another secret", new_secret(), rotated, body, False),
        ("stale timestamp", new, stale, body, False),
    ]


def test_the_python_snippet() -> None:
    namespace: dict[str, Any] = {}
    exec(compile(snippet("python"), "docs/webhooks.md", "exec"), namespace)
    for name, secret, headers, body, expected in cases():
        assert namespace["verify"](secret, headers, body) is expected, name


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_the_node_snippet() -> None:
    harness = snippet("js") + (
        "\nlet input = '';\nprocess.stdin.on('data', (d) => (input += d)).on('end', () => {\n"
        "  const results = JSON.parse(input)\n"
        "    .map((c) => verify(c.secret, c.headers, Buffer.from(c.body, 'base64')));\n"
        "  process.stdout.write(JSON.stringify(results));\n});\n"
    )
    batch = [
        {"secret": secret, "headers": headers, "body": base64.b64encode(body).decode()}
        for _, secret, headers, body, _ in cases()
    ]
    assert NODE is not None
    answer = subprocess.run(
        [NODE, "-e", harness], input=json.dumps(batch), capture_output=True, text=True, timeout=60, check=True
    )
    assert json.loads(answer.stdout) == [expected for *_, expected in cases()]
