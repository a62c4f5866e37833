"""MailFeedbackFunction: an SQS batch of SES feedback (bounces, complaints, via SNS) → suppressed
addresses and action-center items.

Reports per-record failures (`ReportBatchItemFailures`): a record comes back only when its
writes failed; feedback that can never be used goes to the feedback dead-letter queue with its
reason.
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

logger = Logger(service="leaddesk-mail-feedback")
metrics = Metrics()


@logger.inject_lambda_context
@metrics.log_metrics
@traced
def handler(event: dict[str, Any], context: LambdaContext) -> PartialBatchResponse:
    return composition.feedback_queue().consume(
        SqsBatch.model_validate(event), composition.feedback_service().handle
    )
