"""WebhooksApiFunction: a partner's webhook endpoints, their secrets and their delivery logs."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.utilities.typing import LambdaContext

from leaddesk.api.resolver import build_resolver
from leaddesk.tracing import traced
from webhooks_api.routes import webhooks

logger = Logger(service="leaddesk-webhooks")
metrics = Metrics()
app = build_resolver(webhooks.router)


@logger.inject_lambda_context(correlation_id_path="requestContext.requestId")
@metrics.log_metrics
@traced
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
