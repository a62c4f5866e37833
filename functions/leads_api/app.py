"""LifecycleApiFunction: the leads API (browse, read, act, favorites) and the OpenAPI document."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.utilities.typing import LambdaContext

from leaddesk.api.resolver import build_resolver
from leaddesk.tracing import traced
from leads_api.routes import actions, browse, document, favorites

logger = Logger(service="leaddesk-lifecycle")
metrics = Metrics()
app = build_resolver(browse.router, actions.router, favorites.router, document.router)


@logger.inject_lambda_context(correlation_id_path="requestContext.requestId")
@metrics.log_metrics
@traced
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
