"""ExportWorkerFunction: an export queue message → the job's file written (or handed on).

One message per invocation (batch size 1): a job runs until its file is done or the invocation
is short of time, when it queues its own continuation. A message that is not an export job goes
to the dead-letter queue with its reason; a failure is retried by SQS, and the job ends `failed`
with the reason on the message's last delivery (see leaddesk.services.exports).
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

logger = Logger(service="leaddesk-export-worker")
metrics = Metrics()


@logger.inject_lambda_context
@metrics.log_metrics
@traced
def handler(event: dict[str, Any], context: LambdaContext) -> PartialBatchResponse:
    worker = composition.export_worker()
    return composition.export_queue().consume(
        SqsBatch.model_validate(event),
        lambda records: worker.take(records, context.get_remaining_time_in_millis),
    )
