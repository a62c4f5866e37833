"""`GET /openapi.json`: the whole API's OpenAPI document, needing no token.

The document is generated ahead of time (`leads_api.openapi_document`, `make openapi`) and
served from its file: generating it here would import every API function and Powertools'
OpenAPI models on this function's cold start, for a route few requests take.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from aws_lambda_powertools.event_handler import Response, content_types

from leaddesk.api.errors import responses
from leaddesk.api.resolver import new_router

router = new_router()
# The generated document, packaged with the functions' code (docs/ is not deployed).
SERVED = Path(__file__).parent.parent / "openapi.json"


@cache
def served_document() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(SERVED.read_text(encoding="utf-8"))
    return document


@router.get(
    "/openapi.json",
    summary="This API's OpenAPI 3 document (no token needed)",
    tags=["meta"],
    security=[{}],
    responses=responses(200, "The OpenAPI document"),
)
def openapi_json() -> Response[dict[str, Any]]:
    return Response(status_code=200, content_type=content_types.APPLICATION_JSON, body=served_document())
