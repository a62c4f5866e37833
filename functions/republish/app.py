"""EventRepublishFunction: parked events (an SQS batch) back onto the bus.

An event refused again is reported as a batch item failure, so SQS retries it and, after its
receive limit, keeps it in the dead-letter queue.
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

logger = Logger(service="leaddesk-republish")
metrics = Metrics()  # the queue consumer counts retried records


@logger.inject_lambda_context
@metrics.log_metrics
@traced
def handler(event: dict[str, Any], context: LambdaContext) -> PartialBatchResponse:
    return composition.republish_queue().consume(
        SqsBatch.model_validate(event), composition.republish_service().republish
    )
