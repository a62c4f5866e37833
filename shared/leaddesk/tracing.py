"""X-Ray tracing of every handler (Powertools Tracer; template.yaml sets `Tracing: Active`).

Three choices keep tracing off the cold start's import path and as cheap as it can be:
- where tracing is off — POWERTOOLS_TRACE_DISABLED (the local stack, the tests) or outside
  Lambda, by Powertools' own rule — no Tracer is built at all: building one imports the X-Ray
  SDK, whose recorder outside Lambda also builds a botocore session for its sampler (~400 ms);
- in Lambda the Tracer is built by the first invocation, like the services and their clients
  (the composition root), not when the handler module is imported: the SDK and the botocore
  patch load botocore, which the handlers' import otherwise never does;
- only botocore is patched (what LeadDesk calls: DynamoDB, SQS, EventBridge, S3, SES), not
  every library `patch_all` knows (~350 ms more, for nothing LeadDesk uses).

Responses are not recorded in the traces: they carry leads and people's addresses.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

from aws_lambda_powertools.tracing.tracer import Tracer

PATCHED_MODULES = ("botocore",)

Handler = TypeVar("Handler", bound=Callable[..., Any])


def tracing_enabled() -> bool:
    """Powertools' rule: off when POWERTOOLS_TRACE_DISABLED says so, or outside Lambda."""
    return not Tracer._is_tracer_disabled()


@functools.cache
def tracer() -> Tracer:
    """The process's Tracer (one per process: Powertools shares its configuration anyway)."""
    return Tracer(patch_modules=PATCHED_MODULES)


def traced(handler: Handler) -> Handler:
    """The handler in a `## handler` subsegment with its cold-start annotation (Powertools'
    `capture_lambda_handler`) where tracing is on; the handler itself where it is off."""
    if not tracing_enabled():
        return handler
    captured: Callable[..., Any] | None = None

    @functools.wraps(handler)
    def run(*args: Any, **kwargs: Any) -> Any:
        nonlocal captured
        if captured is None:  # the first invocation builds the Tracer
            captured = tracer().capture_lambda_handler(handler, capture_response=False)
        return captured(*args, **kwargs)

    return cast("Handler", run)
