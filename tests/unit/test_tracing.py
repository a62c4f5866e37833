"""Every handler is traced in Lambda, and where tracing is off no Tracer (no X-Ray SDK) is built.

Each case runs in a fresh interpreter: a Tracer patches botocore for the whole process."""

from __future__ import annotations

import os
import subprocess
import sys

from leaddesk_local.template import PROJECT_ROOT

PROBE = """
import sys
sys.path[:0] = [{shared!r}]
from leaddesk.tracing import traced

def handler(event, context):
    return {{"ok": event["n"]}}

wrapped = traced(handler)
print(wrapped is handler, "aws_xray_sdk.core" in sys.modules)  # importing the handler builds no Tracer
print(wrapped({{"n": 1}}, None), wrapped({{"n": 2}}, None))
print("aws_xray_sdk.core" in sys.modules, "aws_xray_sdk.ext.requests" in sys.modules)
"""
TRACE_ID = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"


def probe(**environment: str) -> list[str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("POWERTOOLS_TRACE", "LAMBDA_TASK"))}
    code = PROBE.format(shared=str(PROJECT_ROOT / "shared"))
    done = subprocess.run(
        [sys.executable, "-c", code], env=keep | environment, capture_output=True, text=True, check=True
    )
    return done.stdout.splitlines()


def test_outside_lambda_or_when_disabled_the_handler_is_left_as_it_is() -> None:
    untouched = ["True False", "{'ok': 1} {'ok': 2}", "False False"]
    assert probe() == untouched
    assert probe(LAMBDA_TASK_ROOT="/var/task", POWERTOOLS_TRACE_DISABLED="true") == untouched


def test_in_lambda_the_first_invocation_builds_the_tracer_and_patches_botocore_only() -> None:
    traced = probe(
        LAMBDA_TASK_ROOT="/var/task", _X_AMZN_TRACE_ID=TRACE_ID, AWS_XRAY_CONTEXT_MISSING="IGNORE_ERROR"
    )
    # The first invocation builds the Tracer: the X-Ray SDK, with botocore patched and nothing else.
    assert traced == ["False False", "{'ok': 1} {'ok': 2}", "True False"]
