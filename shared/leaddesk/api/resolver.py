"""The resolver every API function uses: its routers, the one error map, JSON-only bodies."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from leaddesk.api.errors import ErrorBody, register_error_map

JSON = "application/json"


def refuse_non_json(event: Mapping[str, Any]) -> dict[str, Any] | None:
    """The API speaks JSON only: 415 for a body declared as anything else, 422 for one that is not
    UTF-8 text. Checked before routing, so the answer never depends on how a route parses bodies."""
    raw = event.get("body")
    if not raw:
        return None
    headers = {str(name).lower(): value for name, value in (event.get("headers") or {}).items()}
    media_type = str(headers.get("content-type") or JSON).split(";")[0].strip().lower()
    if media_type != JSON:
        return _error(415, f"bodies are JSON ({JSON}), not {media_type}", "Content-Type")
    try:
        (base64.b64decode(raw) if event.get("isBase64Encoded") else str(raw).encode()).decode("utf-8")
    except ValueError:  # binascii.Error and UnicodeDecodeError are ValueErrors
        return _error(422, "body: not UTF-8 encoded JSON", "body")
    return None


def _error(status: int, message: str, field: str) -> dict[str, Any]:
    body = ErrorBody(message=message, field=field).model_dump(mode="json", exclude_none=True)
    return {"statusCode": status, "headers": {"Content-Type": JSON}, "body": json.dumps(body)}


class JsonApiResolver(APIGatewayHttpResolver):
    """An HTTP API resolver whose requests pass the JSON-only check before any route sees them."""

    def resolve(self, event: Mapping[str, Any], context: Any) -> dict[str, Any]:
        refused = refuse_non_json(event)
        return refused if refused is not None else super().resolve(event, context)


def new_router() -> APIGatewayHttpRouter:
    return APIGatewayHttpRouter()  # type: ignore[no-untyped-call]  # Powertools leaves it untyped


def build_resolver(*routers: APIGatewayHttpRouter) -> JsonApiResolver:
    app = JsonApiResolver(enable_validation=True)
    register_error_map(app)
    for router in routers:
        app.include_router(router)
    return app
