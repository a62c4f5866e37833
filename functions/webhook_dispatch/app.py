"""WebhookDispatchFunction: LeadDesk's lead events (SQS batches of EventBridge envelopes) → one
delivery per subscribed endpoint, recorded and queued for its first attempt."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.utilities.typing import LambdaContext

from leaddesk import composition
from leaddesk.tracing import traced
from leaddesk.triggers import SqsBatch

if TYPE_CHECKING:
    from leaddesk.services.queue_consumer import PartialBatchResponse

logger = Logger(service="leaddesk-webhook-dispatch")
metrics = Metrics()


@logger.inject_lambda_context
@metrics.log_metrics
@traced
def handler(event: dict[str, Any], context: LambdaContext) -> PartialBatchResponse:
    return composition.webhook_events_queue().consume(
        SqsBatch.model_validate(event), composition.webhook_dispatcher().handle
    )
