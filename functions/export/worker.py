"""ExportWorkerFunction: an export queue message → the job's file written (or handed on).

One message per invocation (batch size 1): a job runs until its file is done or the invocation
is short of time, when it queues its own continuation. A message that is not an export job goes
to the dead-letter queue with its reason; a failure is retried by SQS, and the job ends `failed`
with the reason on the message's last delivery (see leaddesk.services.exports).
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.utilities.typing import LambdaContext

from leaddesk import composition
from leaddesk.triggers import SqsBatch

logger = Logger(service="leaddesk-export-worker")
metrics = Metrics()


@logger.inject_lambda_context
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    from leaddesk.services.exports import UnusableMessage, parse_message

    failures = []
    for record in SqsBatch.model_validate(event).records:
        try:
            message = parse_message(record.body)
            status = composition.export_worker().run(
                message,
                context.get_remaining_time_in_millis,
                record.attributes.receive_count,
            )
            logger.info("export " + status.value, extra={"export_id": message.export_id})
        except UnusableMessage as error:
            composition.export_dead_letters().send(record.body, error.reason, error.field, record.message_id)
            logger.warning("export message dead-lettered", extra={"message_id": record.message_id})
        except Exception:
            logger.exception("export message failed; SQS delivers it again")
            failures.append({"itemIdentifier": record.message_id})
    return {"batchItemFailures": failures}
