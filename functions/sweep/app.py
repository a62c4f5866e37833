"""LifecycleSweepFunction: EventBridge's scheduled event → the timed rules for every due lead.

"Now" is the scheduled event's `time`, never the process clock, so a sweep "at" any time is an
ordinary invocation (`leaddesk sweep --at TIME`).
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.utilities.typing import LambdaContext

from leaddesk import composition
from leaddesk.tracing import traced
from leaddesk.triggers import ScheduledEvent

logger = Logger(service="leaddesk-sweep")
metrics = Metrics()


@logger.inject_lambda_context
@metrics.log_metrics
@traced
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    now = ScheduledEvent.model_validate(event).time
    report = composition.sweep_service().sweep(now)
    summary = {
        "now": now.isoformat(),
        "examined": report.examined,
        "changed": report.changed,
        "conflicts": report.conflicts,
        "failed": report.failed,
        "events": report.events,
        "more": report.more,
    }
    logger.info("sweep done", extra=summary)
    return summary
