"""IngestFunction: an SQS batch of inbound lead events (EventBridge envelopes) → leads.

Reports per-record failures (`ReportBatchItemFailures`): only transient failures are
retried; a permanently bad event goes to the dead-letter queue with its reason.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.utilities.typing import LambdaContext

from leaddesk import composition
from leaddesk.services.records import QueuedRecord
from leaddesk.triggers import SqsBatch

logger = Logger(service="leaddesk-ingest")
metrics = Metrics()


@logger.inject_lambda_context
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    from leaddesk.services.ingest import RecordFate  # the first batch pays for it

    batch = SqsBatch.model_validate(event)
    records = [QueuedRecord(record.message_id, record.body) for record in batch.records]
    results = composition.ingest_service().ingest(records)
    for result in results:
        log = logger.warning if result.fate in (RecordFate.RETRY, RecordFate.DEAD_LETTER) else logger.info
        log(
            "inbound event " + result.fate.value,
            extra={"message_id": result.message_id, "lead_id": result.lead_id, "reason": result.reason},
        )
    return {
        "batchItemFailures": [
            {"itemIdentifier": result.message_id} for result in results if result.fate is RecordFate.RETRY
        ]
    }
