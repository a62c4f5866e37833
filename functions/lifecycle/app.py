"""The leads API (HTTP API + JWT): browse a tab, read one lead.

Thin: claims → `Caller`, query/path → typed parameters, one service call, result → JSON.
Business rules live in `leaddesk.domain`; this module only maps them to HTTP.
"""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.event_handler.openapi.models import HTTPBearer
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.utilities.typing import LambdaContext

from leaddesk.adapters import aws
from leaddesk.adapters.store import CursorError, LeadStore
from leaddesk.config import settings
from leaddesk.domain.access import Caller, Forbidden, Unauthenticated, caller_from_claims
from leaddesk.domain.models import Tab
from leaddesk.domain.views import LeadPage, LeadView, present

logger = Logger(service="leaddesk-lifecycle")
app = APIGatewayHttpResolver(enable_validation=True)

API_TITLE = "LeadDesk leads API"
API_DESCRIPTION = (
    "The partner Leads workspace: browse, review and act on leads. "
    "LeadDesk checks a lead's contact details for reachability only (is the address well-formed "
    "and deliverable, is the phone number valid); it never verifies the customer's identity or "
    "legitimacy, and nothing here presents a lead as endorsed."
)
LIST_PARAMETERS = frozenset({"tab", "limit", "cursor"})


class NotFound(Exception):
    """Unknown id, or another tenant's: the same answer, so ids do not leak."""


@cache
def store() -> LeadStore:
    return LeadStore(aws.dynamodb(), settings().table_name)


def caller() -> Caller:
    authorizer = app.current_event.request_context.authorizer
    claims = authorizer.jwt_claim if authorizer else None
    return caller_from_claims(claims)


def _error(status: int, message: str, field: str | None = None, **extra: Any) -> Response[Any]:
    body: dict[str, Any] = {"message": message, **extra}
    if field:
        body["field"] = field
    return Response(status_code=status, content_type=content_types.APPLICATION_JSON, body=body)


@app.exception_handler(Unauthenticated)
def _unauthenticated(error: Unauthenticated) -> Response[Any]:
    return _error(401, str(error))


@app.exception_handler(Forbidden)
def _forbidden(error: Forbidden) -> Response[Any]:
    return _error(403, str(error))


@app.exception_handler(NotFound)
def _not_found(error: NotFound) -> Response[Any]:
    return _error(404, str(error))


@app.exception_handler(CursorError)
def _bad_cursor(error: CursorError) -> Response[Any]:
    return _error(400, str(error), field="cursor")


@app.exception_handler(RequestValidationError)
def _invalid_request(error: RequestValidationError) -> Response[Any]:
    """400 for bad parameters, 422 for an invalid body — each problem names its field."""
    problems = [
        {
            "field": ".".join(str(p) for p in e["loc"][1:]) or e["loc"][0],
            "in": e["loc"][0],
            "message": e["msg"],
        }
        for e in error.errors()
    ]
    in_body = any(problem["in"] == "body" for problem in problems)
    first = problems[0] if problems else {"field": "request", "message": "invalid"}
    return _error(
        422 if in_body else 400,
        f"{first['field']}: {first['message']}",
        field=str(first["field"]),
        errors=problems,
    )


def _reject_unknown_parameters(allowed: frozenset[str]) -> None:
    unknown = sorted(set(app.current_event.query_string_parameters or {}) - allowed)
    if unknown:
        raise _UnknownParameter(unknown[0], sorted(allowed))


class _UnknownParameter(Exception):
    def __init__(self, name: str, allowed: list[str]) -> None:
        super().__init__(f"unknown query parameter {name!r}; allowed: {', '.join(allowed)}")
        self.name = name


@app.exception_handler(_UnknownParameter)
def _unknown_parameter(error: _UnknownParameter) -> Response[Any]:
    return _error(400, str(error), field=error.name)


@app.get("/leads", summary="List one tab's leads, newest first", tags=["leads"])
def list_leads(
    tab: Annotated[Tab, Query(description="marketplace, qualified or favorites")] = Tab.MARKETPLACE,
    limit: Annotated[int, Query(ge=1, le=100, description="Page size")] = 25,
    cursor: Annotated[str | None, Query(description="From the previous page's next_cursor")] = None,
) -> LeadPage:
    who = caller()
    _reject_unknown_parameters(LIST_PARAMETERS)
    page = store().list_tab(who.partner_id, tab, limit, cursor)
    return LeadPage(items=[present(lead) for lead in page.leads], next_cursor=page.cursor)


@app.get("/leads/<lead_id>", summary="One lead", tags=["leads"])
def get_lead(lead_id: Annotated[str, Path(min_length=1, max_length=64)]) -> Response[LeadView]:
    who = caller()
    lead = store().get_lead(who.partner_id, lead_id)
    if lead is None:
        raise NotFound(f"no lead {lead_id}")
    return Response(
        status_code=200,
        content_type=content_types.APPLICATION_JSON,
        body=present(lead),
        headers={"ETag": lead.etag},
    )


def openapi_document() -> str:
    return app.get_openapi_json_schema(
        title=API_TITLE,
        version="1.0.0",
        description=API_DESCRIPTION,
        security_schemes={"jwt": HTTPBearer(bearerFormat="JWT")},
        security=[{"jwt": []}],
    )


@logger.inject_lambda_context(correlation_id_path="requestContext.requestId")
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
