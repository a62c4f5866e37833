"""ExportApiFunction: start, follow and list exports."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.utilities.typing import LambdaContext

from exports_api.routes import exports
from leaddesk.api.resolver import build_resolver
from leaddesk.tracing import traced

logger = Logger(service="leaddesk-export")
metrics = Metrics()
app = build_resolver(exports.router)


@logger.inject_lambda_context(correlation_id_path="requestContext.requestId")
@metrics.log_metrics
@traced
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
