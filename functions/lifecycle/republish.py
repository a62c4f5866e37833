"""EventRepublishFunction: parked events (an SQS batch) back onto the bus.

An event refused again is reported as a batch item failure, so SQS retries it and, after its
receive limit, keeps it in the dead-letter queue.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from leaddesk import composition
from leaddesk.triggers import SqsBatch

logger = Logger(service="leaddesk-republish")


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    records = [(record.message_id, record.body) for record in SqsBatch.model_validate(event).records]
    failed = composition.republish_service().republish(records)
    if failed:
        logger.warning("events refused again by the bus", extra={"message_ids": failed})
    return {"batchItemFailures": [{"itemIdentifier": message_id} for message_id in failed]}
