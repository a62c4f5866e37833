"""One error body for every error status, and the one map from exceptions to status codes.

Routes raise domain and service exceptions; nothing builds an error response by hand. Every
error names what it can: the offending parameter or body field, or the lead's current state.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse, OpenAPIResponseHeader
from pydantic import BaseModel, ConfigDict, Field

from leaddesk.domain.access import Forbidden, Unauthenticated
from leaddesk.domain.action_center import NotificationNotFound
from leaddesk.domain.errors import (
    DeliveryNotFound,
    EndpointNotFound,
    ExportNotFound,
    LeadNotFound,
    PreconditionFailed,
    SuppressionNotFound,
    UrlRefused,
)
from leaddesk.domain.filters import CursorError, FilterTooLarge
from leaddesk.domain.lifecycle import NotAllowed
from leaddesk.domain.models import LeadStatus, Outcome
from leaddesk.domain.problems import problem_message


class NotFound(Exception):
    """Unknown id, or another tenant's: the same answer, so ids do not leak (404)."""


class InvalidParameter(ValueError):
    """A query, path or header parameter LeadDesk refuses (400)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


class InvalidBody(ValueError):
    """A request body LeadDesk refuses (422)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


class Problem(BaseModel):
    """One problem of a request: where it is and what is wrong."""

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    field: str
    location: str = Field(alias="in", description="query, path, header or body")
    message: str


class ErrorBody(BaseModel):
    """The body of every error answer."""

    message: str = Field(description="What is wrong and, where it helps, what to do")
    field: str | None = Field(default=None, description="The offending parameter, header or body field")
    errors: list[Problem] | None = Field(default=None, description="Every problem found (400/422)")
    action: str | None = Field(default=None, description="409: the action refused")
    status: LeadStatus | None = Field(default=None, description="409: the lead's current status")
    outcome: Outcome | None = None
    etag: str | None = Field(default=None, description="409/412: the lead's current etag")
    missing: list[str] | None = Field(default=None, description="409 won/convert: the steps still missing")


STATUS_DESCRIPTIONS = {
    400: "Bad parameter (the body names it)",
    401: "No or bad token",
    403: "The role does not allow this",
    404: "Unknown id, or another partner's",
    409: "Not allowed in the lead's current state (the body gives the current state)",
    412: "If-Match names an older version (the body gives the current etag)",
    415: "The body is not JSON",
    422: "Invalid body (the body names the field)",
    429: "Too many requests: retry after the seconds in Retry-After",
}
THROTTLED = 429  # answered by API Gateway's route throttling (and the local gateway), on every route
RETRY_AFTER: dict[str, OpenAPIResponseHeader] = {
    "Retry-After": {"description": "Seconds to wait before retrying", "schema": {"type": "integer"}}
}


def responses(success: int, description: str, *errors: int) -> dict[int, OpenAPIResponse]:
    """OpenAPI `responses` of a route: its success, and its error statuses with the one error body
    (429 on every route: the HTTP API throttles them all)."""
    documented: dict[int, OpenAPIResponse] = {success: {"description": description}}
    for status in (*errors, THROTTLED):
        documented[status] = {
            "description": STATUS_DESCRIPTIONS[status],
            "content": {"application/json": {"model": ErrorBody}},
        }
    documented[THROTTLED]["headers"] = RETRY_AFTER
    return documented


def error_response(status: int, body: ErrorBody, headers: dict[str, str] | None = None) -> Response[Any]:
    return Response(
        status_code=status,
        content_type=content_types.APPLICATION_JSON,
        body=body.model_dump(mode="json", exclude_unset=True, by_alias=True),
        headers=headers,
    )


def _with_field(error: Exception) -> ErrorBody:
    return ErrorBody(message=str(error), field=getattr(error, "field", None))


def _cursor(error: Exception) -> ErrorBody:
    return ErrorBody(message=str(error), field="cursor")


def _conflict(error: Exception) -> ErrorBody:
    assert isinstance(error, NotAllowed)
    return ErrorBody(
        message=str(error),
        action=error.action.value,
        status=error.lead.status,
        outcome=error.lead.outcome,
        etag=error.lead.etag,
        missing=error.missing,
    )


def _stale(error: Exception) -> ErrorBody:
    assert isinstance(error, PreconditionFailed)
    return ErrorBody(message=str(error), field="If-Match", etag=error.lead.etag)


def _invalid_request(error: Exception) -> ErrorBody:
    assert isinstance(error, RequestValidationError)
    problems = [_problem(e["loc"], problem_message(e)) for e in error.errors()] or [
        Problem(field="request", location="request", message="invalid")
    ]
    first = problems[0]
    return ErrorBody(message=f"{first.field}: {first.message}", field=first.field, errors=problems)


def _problem(location: tuple[Any, ...], message: str) -> Problem:
    """Body problems keep their path (`team.0.email`); a parameter is named alone (`status`, not
    the position of a value inside it, nor the typed model that groups the parameters)."""
    where, path = str(location[0]), [str(part) for part in location[1:]]
    if where != "body":
        named = [part for part in path if not part.isdigit()]
        path = named[-1:] if named else path[:1]
    return Problem(field=".".join(path) or where, location=where, message=message)


def not_json_message(content_type: str | None) -> str:
    declared = str(content_type or "").split(";")[0].strip() or "no JSON type"
    return f"bodies are JSON: send Content-Type: application/json (this request declared {declared})"


def _not_json(error: Exception) -> ErrorBody:
    return ErrorBody(message=not_json_message(None), field="Content-Type")


Describe = Callable[[Exception], ErrorBody]
# exception → (status, how to describe it). One map for every API function.
ERROR_MAP: dict[type[Exception], tuple[int, Describe]] = {
    Unauthenticated: (401, _with_field),
    Forbidden: (403, _with_field),
    NotFound: (404, _with_field),
    LeadNotFound: (404, _with_field),
    ExportNotFound: (404, _with_field),
    NotificationNotFound: (404, _with_field),
    SuppressionNotFound: (404, _with_field),
    EndpointNotFound: (404, _with_field),
    DeliveryNotFound: (404, _with_field),
    UrlRefused: (422, _with_field),
    InvalidParameter: (400, _with_field),
    CursorError: (400, _cursor),
    FilterTooLarge: (400, _with_field),
    InvalidBody: (422, _with_field),
    NotAllowed: (409, _conflict),
    PreconditionFailed: (412, _stale),
    RequestUnsupportedContentType: (415, _not_json),
    RequestValidationError: (400, _invalid_request),  # 422 when a problem is in the body
}
BODY_INVALID = 422


def answer(error: Exception) -> Response[Any]:
    for kind, (status, describe) in ERROR_MAP.items():
        if isinstance(error, kind):
            body = describe(error)
            in_body = any(problem.location == "body" for problem in body.errors or [])
            headers = {"ETag": body.etag} if body.etag else None
            return error_response(BODY_INVALID if in_body else status, body, headers)
    raise error


def register_error_map(app: APIGatewayHttpResolver) -> None:
    for kind in ERROR_MAP:
        app.exception_handler(kind)(answer)
