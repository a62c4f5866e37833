"""NotifyFunction: an SQS batch of LeadDesk events (EventBridge envelopes) → emails and action items.

Reports per-record failures (`ReportBatchItemFailures`): a record comes back only while one of
its emails is still to be sent; an event that can never be handled goes to the dead-letter
queue with its reason.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.utilities.typing import LambdaContext

from leaddesk import composition
from leaddesk.tracing import traced
from leaddesk.triggers import SqsBatch

if TYPE_CHECKING:  # the consumer itself is built with the services, on the first invocation
    from leaddesk.services.queue_consumer import PartialBatchResponse

logger = Logger(service="leaddesk-notify")
metrics = Metrics()


@logger.inject_lambda_context
@metrics.log_metrics
@traced
def handler(event: dict[str, Any], context: LambdaContext) -> PartialBatchResponse:
    return composition.notify_queue().consume(
        SqsBatch.model_validate(event), composition.notify_service().handle
    )
