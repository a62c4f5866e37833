"""The whole API's OpenAPI document, generated from the routes of every API function.

The HTTP API is served by one function per bounded context; the document describes all of
them, so Powertools' `OpenAPIMerge` merges the schema each function's resolver generates from
its own routes (refusing two definitions of one operation). Its file discovery looks for a
resolver constructed in each handler file; ours are built by `build_resolver`, so each
function's schema is added as it is generated.

Generating it imports every API function and Powertools' OpenAPI models, which no request but
`GET /openapi.json` needs: `make openapi` writes it to docs/openapi.json and to the file that
route serves (`leads_api.routes.document.SERVED`), and a test keeps both equal to what this
module generates.
"""

from __future__ import annotations

import importlib
import json
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler.openapi.models import HTTPBearer, SecurityScheme

from leaddesk.domain.action_center import NotificationQuery
from leaddesk.domain.listing import LeadListQuery

API_TITLE = "LeadDesk API"
API_DESCRIPTION = (
    "The partner Leads workspace: browse, review and act on leads. "
    "LeadDesk checks a lead's contact details for reachability only (is the address well-formed "
    "and deliverable, is the phone number valid); it never verifies the customer's identity or "
    "legitimacy, and nothing here presents a lead as endorsed."
)
# The modules whose `app` serves a part of the HTTP API (one per function with HttpApi routes).
API_APPS = ("leads_api.app", "exports_api.app", "notifications_api.app", "webhooks_api.app")
API_VERSION = "1.0.0"
SECURITY_SCHEMES: dict[str, SecurityScheme] = {"jwt": HTTPBearer(bearerFormat="JWT")}
SECURITY: list[dict[str, list[str]]] = [{"jwt": []}]  # every route, unless it says otherwise
# Typed query models of routes (each field a query parameter).
QUERY_MODELS = (LeadListQuery, NotificationQuery)


def api_schema(app: APIGatewayHttpResolver) -> dict[str, Any]:
    """The OpenAPI schema of one function's routes (bearer JWT on every route unless it says not)."""
    schema = app.get_openapi_json_schema(
        title=API_TITLE,
        version=API_VERSION,
        description=API_DESCRIPTION,
        security_schemes=SECURITY_SCHEMES,
        security=SECURITY,
    )
    parsed: dict[str, Any] = json.loads(schema)
    _type_query_parameters(parsed)
    _one_error_model(parsed)
    return parsed


def _one_error_model(schema: dict[str, Any]) -> None:
    """Every error status carries `ErrorBody`. Powertools adds its own 422 model to every route;
    routes that take a body declare their 422 (ours wins), so what is left of its model is on
    routes that can never answer it. A 204 has no body, so it declares no content."""
    for path_item in schema.get("paths", {}).values():
        for operation in path_item.values():
            answers = operation.get("responses", {})
            for status, response in list(answers.items()):
                if "HTTPValidationError" in json.dumps(response):
                    del answers[status]
                elif status == "204":
                    response.pop("content", None)
    components = schema.get("components", {}).get("schemas", {})
    for name in ("HTTPValidationError", "ResponseValidationError", "ValidationError"):
        components.pop(name, None)  # Powertools' own error models: no answer of this API uses them


def _type_query_parameters(schema: dict[str, Any]) -> None:
    """Powertools documents each field of a typed query model as a bare string; give every such
    parameter its field's real schema (enums, bounds, arrays), which the model's component holds."""
    components = schema.get("components", {}).get("schemas", {})
    fields: dict[str, Any] = {}
    for model in QUERY_MODELS:
        fields |= components.get(model.__name__, {}).get("properties", {})
    for path_item in schema.get("paths", {}).values():
        for operation in path_item.values():
            for parameter in operation.get("parameters", []):
                field = fields.get(parameter["name"]) if parameter["in"] == "query" else None
                if field is not None:
                    parameter["schema"] = _without_null(field)


def _without_null(field: dict[str, Any]) -> dict[str, Any]:
    """An absent query parameter is how a client says "none"; null is not a value it can send."""
    choices: list[dict[str, Any]] = [c for c in field.get("anyOf", []) if c.get("type") != "null"]
    if len(choices) != 1:
        return field
    return {key: value for key, value in field.items() if key != "anyOf"} | choices[0]


def openapi_document() -> str:
    from aws_lambda_powertools.event_handler.openapi.merge import OpenAPIMerge

    merge = OpenAPIMerge(
        title=API_TITLE,
        version=API_VERSION,
        description=API_DESCRIPTION,
        security=SECURITY,  # the scheme itself comes with each part's components
        on_conflict="error",
    )
    for module in API_APPS:
        merge.add_schema(api_schema(importlib.import_module(module).app))
    return json.dumps(merge.get_openapi_schema(), indent=2, sort_keys=True)
