"""WebhookRetryFunction: every minute, queue the webhook retries due by the scheduled event's time
that waited longer than a queue delay can (30 minutes to 10 hours)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.utilities.typing import LambdaContext

from leaddesk import composition
from leaddesk.tracing import traced
from leaddesk.triggers import ScheduledEvent

logger = Logger(service="leaddesk-webhook-retry")
metrics = Metrics()


@logger.inject_lambda_context
@metrics.log_metrics
@traced
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    now = ScheduledEvent.model_validate(event).time
    summary = {"now": now.isoformat(), "queued": composition.webhook_retry_sweep().run(now)}
    logger.info("webhook retries queued", extra=summary)
    return summary
