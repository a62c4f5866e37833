"""IngestFunction: an SQS batch of inbound lead events (EventBridge envelopes) → leads.

Reports per-record failures (`ReportBatchItemFailures`): only transient failures are
retried; a permanently bad event goes to the dead-letter queue with its reason.
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

logger = Logger(service="leaddesk-ingest")
metrics = Metrics()


@logger.inject_lambda_context
@metrics.log_metrics
@traced
def handler(event: dict[str, Any], context: LambdaContext) -> PartialBatchResponse:
    return composition.ingest_queue().consume(
        SqsBatch.model_validate(event), composition.ingest_service().ingest
    )
