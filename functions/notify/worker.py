"""NotifyFunction: an SQS batch of LeadDesk events (EventBridge envelopes) → emails and action items.

Reports per-record failures (`ReportBatchItemFailures`): a record comes back only while one of
its emails is still to be sent; an event that can never be handled goes to the dead-letter
queue with its reason.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.utilities.typing import LambdaContext

from leaddesk import composition
from leaddesk.triggers import SqsBatch

logger = Logger(service="leaddesk-notify")
metrics = Metrics()


@logger.inject_lambda_context
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    from leaddesk.services.notify import Fate  # the first batch pays for it
    from leaddesk.services.records import QueuedRecord

    batch = SqsBatch.model_validate(event)
    records = [QueuedRecord(record.message_id, record.body) for record in batch.records]
    results = composition.notify_service().handle(records)
    for result in results:
        log = logger.warning if result.fate in (Fate.RETRY, Fate.DEAD_LETTER) else logger.info
        log(
            "notice " + result.fate.value,
            extra={
                "message_id": result.message_id,
                "key": result.key,
                "reason": result.reason,
                "sent": result.sent,
            },
        )
    return {
        "batchItemFailures": [
            {"itemIdentifier": result.message_id} for result in results if result.fate is Fate.RETRY
        ]
    }
