"""Republishes events the bus refused after retries (see leaddesk.adapters.pending_events).

An SQS batch of parked events → PutEvents; an event refused again is reported as a batch item
failure, so SQS retries it and, after its receive limit, keeps it in the dead-letter queue.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.data_classes import SQSEvent
from aws_lambda_powertools.utilities.typing import LambdaContext

from leaddesk.adapters import aws
from leaddesk.adapters.bus import EventPublisher
from leaddesk.adapters.pending_events import republish
from leaddesk.config import settings

logger = Logger(service="leaddesk-republish")


@cache
def publisher() -> EventPublisher:
    return EventPublisher(aws.events(), settings().event_bus_name)


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    records = [(record.message_id, record.body) for record in SQSEvent(event).records]
    failed = republish(publisher(), records)
    if failed:
        logger.warning("events refused again by the bus", extra={"message_ids": failed})
    return {"batchItemFailures": [{"itemIdentifier": message_id} for message_id in failed]}
