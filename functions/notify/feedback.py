"""MailFeedbackFunction: an SQS batch of SES feedback (bounces, complaints, via SNS) → suppressed
addresses and action-center items.

Reports per-record failures (`ReportBatchItemFailures`): a record comes back only when its
writes failed; feedback that can never be used goes to the feedback dead-letter queue with its
reason.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.utilities.typing import LambdaContext

from leaddesk import composition
from leaddesk.triggers import SqsBatch

logger = Logger(service="leaddesk-mail-feedback")
metrics = Metrics()


@logger.inject_lambda_context
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    from leaddesk.services.feedback import FeedbackFate
    from leaddesk.services.records import QueuedRecord

    batch = SqsBatch.model_validate(event)
    records = [QueuedRecord(record.message_id, record.body) for record in batch.records]
    results = composition.feedback_service().handle(records)
    for result in results:
        log = logger.warning if result.fate in (FeedbackFate.RETRY, FeedbackFate.DEAD_LETTER) else logger.info
        log(
            "feedback " + result.fate.value,
            extra={"message_id": result.message_id, "reason": result.reason, "suppressed": result.suppressed},
        )
    return {
        "batchItemFailures": [
            {"itemIdentifier": r.message_id} for r in results if r.fate is FeedbackFate.RETRY
        ]
    }
