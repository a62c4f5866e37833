"""Ingest function: an SQS batch of inbound lead events (EventBridge envelopes) → leads.

Reports per-record failures (`ReportBatchItemFailures`): only transient failures are
retried; a permanently bad event goes to the dead-letter queue with its reason.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.data_classes import SQSEvent
from aws_lambda_powertools.utilities.typing import LambdaContext

from leaddesk.adapters import aws
from leaddesk.adapters.bus import EventPublisher
from leaddesk.adapters.dead_letters import DeadLetterQueue
from leaddesk.adapters.store import LeadStore, utc_now
from leaddesk.adapters.wiring import contact_validator
from leaddesk.config import settings
from leaddesk.services.ingest import InboundRecord, IngestService, RecordFate

logger = Logger(service="leaddesk-ingest")


@cache
def service() -> IngestService:
    config = settings()
    if not config.ingest_dlq_url:
        raise RuntimeError(
            "INGEST_DLQ_URL is not set: template.yaml wires it to the ingest dead-letter queue"
        )
    return IngestService(
        store=LeadStore(aws.dynamodb(), config.table_name),
        publisher=EventPublisher(aws.events(), config.event_bus_name),
        dead_letters=DeadLetterQueue(aws.sqs(), config.ingest_dlq_url),
        contact=contact_validator(config),
        clock=utc_now,
    )


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    records = [InboundRecord(record.message_id, record.body) for record in SQSEvent(event).records]
    results = service().ingest(records)
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
