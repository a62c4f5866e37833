"""NotifyDigestFunction: EventBridge's daily scheduled event → the digests owed for earlier days.

"Now" is the scheduled event's `time` (`leaddesk digest --at TIME` fires it at any time); a run
sends the digests of every day before that time's UTC day that still owes one, so running it
twice sends nothing the second time.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.utilities.typing import LambdaContext

from leaddesk import composition
from leaddesk.tracing import traced
from leaddesk.triggers import ScheduledEvent

logger = Logger(service="leaddesk-digest")
metrics = Metrics()


@logger.inject_lambda_context
@metrics.log_metrics
@traced
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    at = ScheduledEvent.model_validate(event).time
    report = composition.digest_service().run(at)
    summary = {
        "at": at.isoformat(),
        "days": report.days,
        "sent": report.sent,
        "failed": report.failed,
        "pending": report.pending,
        "errors": report.errors,
        "leads_listed": report.listed,
        "leads_collected": report.collected,
    }
    logger.info("digest run done", extra=summary)
    if report.pending or report.errors:
        raise DigestIncomplete(
            f"{report.pending} digest email(s) still to send, {report.errors} partner day(s) failed;"
            " the run is retried"
        )
    return summary


class DigestIncomplete(RuntimeError):
    """Some digests could not be sent yet (SES throttling, or a partner day's digest failed): the
    schedule's retry sends them."""
