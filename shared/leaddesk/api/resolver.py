"""The resolver every API function uses: its routers, the one error map, JSON-only bodies."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from contextvars import ContextVar
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from leaddesk.api.errors import ErrorBody, not_json_message, register_error_map

JSON = "application/json"
# No route of this API reads a body on these methods: one sent anyway is ignored, not judged.
BODILESS_METHODS = frozenset({"GET", "HEAD", "DELETE", "OPTIONS"})
# No request body of this API nests deeper than a few levels (a team member in an accept is 3).
MAX_BODY_DEPTH = 32


def is_json_media_type(content_type: str | None) -> bool:
    """`application/json` or a structured `+json` type (RFC 6839), any parameters; none means JSON."""
    media_type = str(content_type or JSON).split(";")[0].strip().lower()
    kind, _, subtype = media_type.partition("/")
    return kind == "application" and (subtype == "json" or subtype.endswith("+json"))


class BodyRefused(Exception):
    def __init__(self, status: int, message: str, field: str) -> None:
        super().__init__(message)
        self.status, self.message, self.field = status, message, field


# The body `json_only` parsed, handed to the framework's validation so it is parsed once. A
# context variable, because the local stack's gateway may run one resolver on several threads.
_parsed_body: ContextVar[tuple[str, dict[str, Any]] | None] = ContextVar("parsed_body", default=None)


def json_only(event: Mapping[str, Any]) -> dict[str, Any]:
    """The event as the routes may see it, or `BodyRefused`: 415 for a body declared as anything
    but JSON, 422 for one that is not UTF-8 JSON (bad syntax, numbers Python will not convert,
    nesting deeper than any body of this API). Checked once, before routing, so every route
    answers the same way and the framework never meets a body it would choke on; the parsed
    body is kept for the framework (see `parsed_body`)."""
    headers = {str(name).lower(): value for name, value in (event.get("headers") or {}).items()}
    content_type = headers.get("content-type")
    method = str((event.get("requestContext") or {}).get("http", {}).get("method", "")).upper()
    raw = None if method in BODILESS_METHODS else event.get("body")
    if not raw:
        # Nothing to parse: a stray Content-Type must not make a body-less request a 415.
        headers.pop("content-type", None)
        return {**event, "headers": headers, "body": None, "isBase64Encoded": False}
    if not is_json_media_type(content_type):
        raise BodyRefused(415, not_json_message(content_type), "Content-Type")
    try:
        text = (base64.b64decode(raw) if event.get("isBase64Encoded") else str(raw).encode()).decode("utf-8")
    except ValueError as error:  # binascii.Error and UnicodeDecodeError are ValueErrors
        raise BodyRefused(422, "body: not UTF-8 encoded JSON", "body") from error
    try:
        document = json.loads(text)
    except RecursionError as error:
        raise BodyRefused(422, f"body: nested deeper than {MAX_BODY_DEPTH} levels", "body") from error
    except ValueError as error:  # JSONDecodeError, and integers longer than Python converts
        raise BodyRefused(422, f"body: not valid JSON ({_why(error)})", "body") from error
    if _depth(document) > MAX_BODY_DEPTH:
        raise BodyRefused(422, f"body: nested deeper than {MAX_BODY_DEPTH} levels", "body")
    if not isinstance(document, dict):
        # Every body of this API is an object; the framework would read an array as an empty
        # object wherever every field has a default (an export of everything, settings cleared).
        raise BodyRefused(422, f"body: a JSON object, not {_kind(document)}", "body")
    # The framework reads exactly `application/json`; the body is JSON, so say so.
    headers["content-type"] = JSON
    _parsed_body.set((text, document))
    return {**event, "headers": headers, "body": text, "isBase64Encoded": False}


def parsed_body(text: str) -> dict[str, Any]:
    """The framework's JSON deserializer: the document `json_only` already parsed from this very
    text (the same string object), else a parse of its own."""
    kept = _parsed_body.get()
    if kept is not None and kept[0] is text:
        return kept[1]
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def _kind(document: Any) -> str:
    if isinstance(document, list):
        return "an array"
    if document is None:
        return "null"
    return (
        "a string"
        if isinstance(document, str)
        else "a number"
        if not isinstance(document, bool)
        else "a boolean"
    )


def _why(error: ValueError) -> str:
    if isinstance(error, json.JSONDecodeError):
        return f"{error.msg} at line {error.lineno} column {error.colno}"
    return "a number has more digits than allowed"


def _depth(document: Any) -> int:
    """How deeply arrays and objects nest (iteratively: a deep body must not recurse here either)."""
    deepest, pending = 0, [(document, 1)]
    while pending:
        value, depth = pending.pop()
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else None
        if children is None:
            continue
        deepest = max(deepest, depth)
        if deepest > MAX_BODY_DEPTH:
            return deepest
        pending.extend((child, depth + 1) for child in children)
    return deepest


def _refusal(refused: BodyRefused) -> dict[str, Any]:
    body = ErrorBody(message=refused.message, field=refused.field)
    return {
        "statusCode": refused.status,
        "headers": {"Content-Type": JSON},
        "body": body.model_dump_json(exclude_none=True),
    }


class JsonApiResolver(APIGatewayHttpResolver):
    """An HTTP API resolver whose requests pass the JSON-only check before any route sees them."""

    def resolve(self, event: Mapping[str, Any], context: Any) -> dict[str, Any]:
        token = _parsed_body.set(None)
        try:
            return super().resolve(json_only(event), context)
        except BodyRefused as refused:
            return _refusal(refused)
        finally:
            _parsed_body.reset(token)


def new_router() -> APIGatewayHttpRouter:
    return APIGatewayHttpRouter()  # type: ignore[no-untyped-call]  # Powertools leaves it untyped


def build_resolver(*routers: APIGatewayHttpRouter) -> JsonApiResolver:
    app = JsonApiResolver(enable_validation=True, json_body_deserializer=parsed_body)
    register_error_map(app)
    for router in routers:
        app.include_router(router)
    return app
