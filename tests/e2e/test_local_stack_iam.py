"""On the local stack each function calls AWS as its own role: a permission missing from the
template is refused there as AWS would refuse it, and the stack says so."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from leaddesk_local.process import running_stack
from leaddesk_local.template import PROJECT_ROOT, TEMPLATE_PATH
from tests.helpers.stack import RunningStack

pytestmark = pytest.mark.e2e


def test_a_call_the_role_does_not_allow_is_refused_on_the_stack(tmp_path: Path) -> None:
    granted = "- dynamodb:BatchGetItem # the event-id and dedupe markers of a batch"  # IngestFunction's
    lines = TEMPLATE_PATH.read_text(encoding="utf-8").splitlines(keepends=True)
    assert sum(granted in line for line in lines) == 1, "the grant moved; update this test"
    without = tmp_path / "template-without-batch-get.yaml"
    without.write_text("".join(line for line in lines if granted not in line), encoding="utf-8")
    with running_stack(tmp_path, "--no-samples", "--template", str(without)) as started:
        stack = RunningStack(**vars(started))
        sent = stack.cli("send", str(PROJECT_ROOT / "events" / "new_lead.json"))
        assert sent.returncode == 0, sent.stderr
        deadline = time.monotonic() + 30
        while "AWS would refuse" not in stack.log_path.read_text(errors="replace"):
            assert time.monotonic() < deadline, stack.log_path.read_text(errors="replace")
            time.sleep(0.3)
        log = stack.log_path.read_text(errors="replace")
    assert (
        "AWS would refuse: IngestFunction is not authorized to perform: dynamodb:BatchGetItem on resource: "
        "arn:aws:dynamodb:us-east-1:123456789012:table/" in log
    )
