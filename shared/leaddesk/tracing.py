"""X-Ray tracing of every handler (Powertools Tracer; template.yaml sets `Tracing: Active`).

Two choices keep tracing off the cold start:
- where tracing is off — POWERTOOLS_TRACE_DISABLED (the local stack, the tests) or outside
  Lambda, by Powertools' own rule — no Tracer is built at all: building one imports the X-Ray
  SDK, whose recorder outside Lambda also builds a botocore session for its sampler (~400 ms);
- in Lambda only botocore is patched (what LeadDesk calls: DynamoDB, SQS, EventBridge, S3,
  SES), not every library `patch_all` knows (~350 ms more, for nothing LeadDesk uses).

Responses are not recorded in the traces: they carry leads and people's addresses.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from aws_lambda_powertools.tracing.tracer import Tracer

PATCHED_MODULES = ("botocore",)

Handler = TypeVar("Handler", bound=Callable[..., Any])


def tracing_enabled() -> bool:
    """Powertools' rule: off when POWERTOOLS_TRACE_DISABLED says so, or outside Lambda."""
    return not Tracer._is_tracer_disabled()


def traced(handler: Handler) -> Handler:
    """`Tracer.capture_lambda_handler` where tracing is on; the handler itself where it is off."""
    if not tracing_enabled():
        return handler
    tracer = Tracer(patch_modules=PATCHED_MODULES)
    return cast("Handler", tracer.capture_lambda_handler(handler, capture_response=False))
