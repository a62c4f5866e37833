"""The leads API (HTTP API + JWT): browse, read, act on leads, favorites, the OpenAPI document.

Thin: claims → `Caller`, query/path/body → typed parameters (pydantic, validated by
Powertools), one service call, result or domain error → HTTP. The rules live in
`leaddesk.domain` (lifecycle state machine, filters, access); this module only maps them.
"""

from __future__ import annotations

import base64
import json
from functools import cache
from typing import Annotated, Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.event_handler.openapi.models import HTTPBearer
from aws_lambda_powertools.event_handler.openapi.params import Header, Path, Query
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel, Field

from leaddesk.adapters import aws
from leaddesk.adapters.store import CursorError, LeadStore
from leaddesk.config import settings
from leaddesk.domain.access import Caller, Forbidden, Role, Unauthenticated, caller_from_claims
from leaddesk.domain.filters import ENUM_FILTERS, InvalidFilter, parse_query
from leaddesk.domain.lifecycle import (
    AcceptRequest,
    Action,
    CloseAsErrorRequest,
    ConvertRequest,
    DeclineRequest,
    EditRequest,
    EvaluateRequest,
    LostRequest,
    NotAllowed,
    QualifyRequest,
    WonRequest,
)
from leaddesk.domain.models import Lead, LeadStatus, Outcome, Tab
from leaddesk.domain.views import LeadPage, LeadView, present
from leaddesk.services.lifecycle import LeadNotFound, LifecycleService, PreconditionFailed

logger = Logger(service="leaddesk-lifecycle")
app = APIGatewayHttpResolver(enable_validation=True)

API_TITLE = "LeadDesk leads API"
API_DESCRIPTION = (
    "The partner Leads workspace: browse, review and act on leads. "
    "LeadDesk checks a lead's contact details for reachability only (is the address well-formed "
    "and deliverable, is the phone number valid); it never verifies the customer's identity or "
    "legitimacy, and nothing here presents a lead as endorsed."
)
LeadId = Annotated[str, Path(min_length=1, max_length=64, description="The lead's id")]


class NotFound(Exception):
    """Unknown id, or another tenant's: the same answer, so ids do not leak."""


class ErrorBody(BaseModel):
    message: str
    field: str | None = None


class ConflictBody(BaseModel):
    """409: the action is not allowed in the lead's current state."""

    message: str
    action: str
    status: LeadStatus = Field(description="The lead's current status")
    outcome: Outcome | None = None
    etag: str
    missing: list[str] = Field(default_factory=list, description="won/convert: the steps still missing")


class TabCounts(BaseModel):
    total: int
    by_status: dict[LeadStatus, int]


class Summary(BaseModel):
    tabs: dict[Tab, TabCounts]


@cache
def store() -> LeadStore:
    return LeadStore(aws.dynamodb(), settings().table_name)


@cache
def service() -> LifecycleService:
    return LifecycleService.from_settings(settings(), store())


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


@app.exception_handler(LeadNotFound)
def _lead_not_found(error: LeadNotFound) -> Response[Any]:
    return _error(404, str(error))


@app.exception_handler(CursorError)
def _bad_cursor(error: CursorError) -> Response[Any]:
    return _error(400, str(error), field="cursor")


@app.exception_handler(InvalidFilter)
def _bad_filter(error: InvalidFilter) -> Response[Any]:
    return _error(400, str(error), field=error.parameter)


@app.exception_handler(NotAllowed)
def _not_allowed(error: NotAllowed) -> Response[Any]:
    body = ConflictBody(
        message=str(error),
        action=error.action.value,
        status=error.lead.status,
        outcome=error.lead.outcome,
        etag=error.lead.etag,
        missing=error.missing,
    )
    return Response(
        status_code=409,
        content_type=content_types.APPLICATION_JSON,
        body=body.model_dump(mode="json"),
        headers={"ETag": error.lead.etag},
    )


@app.exception_handler(PreconditionFailed)
def _stale(error: PreconditionFailed) -> Response[Any]:
    return _error(412, str(error), field="If-Match", etag=error.lead.etag)


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


def _lead_response(lead: Lead, status: int = 200) -> Response[LeadView]:
    return Response(
        status_code=status,
        content_type=content_types.APPLICATION_JSON,
        body=present(lead),
        headers={"ETag": lead.etag},
    )


ERRORS: dict[int, Any] = {
    400: {
        "description": "Bad parameter (the body names it)",
        "content": {"application/json": {"model": ErrorBody}},
    },
    401: {"description": "No or bad token"},
    403: {"description": "The role does not allow this"},
    404: {"description": "Unknown lead, or another partner's"},
}


def ok(model: Any, description: str, more: dict[int, Any]) -> dict[int, Any]:
    return {200: {"description": description, "content": {"application/json": {"model": model}}}, **more}


ACTION_ERRORS: dict[int, Any] = {
    **ERRORS,
    409: {
        "description": "Not allowed in the lead's current state (body: current state, missing steps)",
        "content": {"application/json": {"model": ConflictBody}},
    },
    422: {"description": "Invalid body (the body names the field)"},
}


# --- browsing ---------------------------------------------------------------------------------


def _one_of(name: str) -> str:
    return "Comma-separated (OR) of: " + ", ".join(member.value for member in ENUM_FILTERS[name])


CallToActionFilter = Annotated[str | None, Query(description=_one_of("call_to_action"))]
LeadSourceFilter = Annotated[str | None, Query(description=_one_of("lead_source"))]
LeadTypeFilter = Annotated[str | None, Query(description=_one_of("lead_type"))]
LeadQualityFilter = Annotated[str | None, Query(description=_one_of("lead_quality"))]
StatusFilter = Annotated[str | None, Query(description=_one_of("status"))]
EmailValidityFilter = Annotated[str | None, Query(description=_one_of("email_validity"))]
PhoneValidityFilter = Annotated[str | None, Query(description=_one_of("phone_validity"))]


CountryFilter = Annotated[str | None, Query(description="Comma-separated (OR) ISO 3166-1 alpha-2 codes")]


@app.get(
    "/leads",
    summary="List one tab's leads (filters, sort, cursor)",
    tags=["leads"],
    responses=ok(LeadPage, "One page", ERRORS),
)
def list_leads(
    tab: Annotated[Tab, Query(description="marketplace, qualified or favorites")] = Tab.MARKETPLACE,
    limit: Annotated[int, Query(ge=1, le=100, description="Page size")] = 25,
    cursor: Annotated[str | None, Query(description="From the previous page's next_cursor")] = None,
    sort: Annotated[
        str | None, Query(description="created_at (default, newest first), customer_name, estimated_value")
    ] = None,
    order: Annotated[str | None, Query(description="asc or desc (default depends on the sort)")] = None,
    call_to_action: CallToActionFilter = None,
    country: CountryFilter = None,
    customer_name: Annotated[
        str | None, Query(description="Case-insensitive substring of the company (comma: OR)")
    ] = None,
    lead_source: LeadSourceFilter = None,
    lead_type: LeadTypeFilter = None,
    lead_quality: LeadQualityFilter = None,
    status: StatusFilter = None,
    email_validity: EmailValidityFilter = None,
    phone_validity: PhoneValidityFilter = None,
    created_from: Annotated[str | None, Query(description="ISO 8601, inclusive")] = None,
    created_to: Annotated[str | None, Query(description="ISO 8601, inclusive")] = None,
    include_test: Annotated[bool, Query(description="Also list test leads")] = False,
) -> LeadPage:
    who = caller()
    query = parse_query(app.current_event.query_string_parameters or {})
    page = store().query_leads(who.partner_id, query, limit, cursor)
    return LeadPage(items=[present(lead) for lead in page.leads], next_cursor=page.cursor)


@app.get(
    "/leads/summary",
    summary="Counts per tab and status",
    tags=["leads"],
    responses=ok(Summary, "The counts", ERRORS),
)
def summary() -> Summary:
    who = caller()
    tabs: dict[Tab, TabCounts] = {}
    for tab in Tab:
        by_status = {status: store().count(who.partner_id, tab, status) for status in LeadStatus}
        tabs[tab] = TabCounts(total=sum(by_status.values()), by_status=by_status)
    return Summary(tabs=tabs)


@app.get(
    "/leads/<lead_id>",
    summary="One lead with its history",
    tags=["leads"],
    responses=ok(LeadView, "The lead (ETag header = its etag)", ERRORS),
)
def get_lead(lead_id: LeadId) -> Response[LeadView]:
    who = caller()
    lead = store().get_lead(who.partner_id, lead_id)
    if lead is None:
        raise NotFound(f"no lead {lead_id}")
    return _lead_response(lead)


# --- lifecycle actions -------------------------------------------------------------------------
def _act(lead_id: str, action: Action, body: BaseModel, if_match: str | None = None) -> Response[LeadView]:
    who = caller()
    who.require(Role.REFERRALS_ADMIN)
    lead = service().act(who.partner_id, lead_id, action, body, who.subject, if_match)
    return _lead_response(lead)


@app.patch(
    "/leads/<lead_id>",
    summary="Edit an accepted lead (honours If-Match)",
    tags=["lifecycle"],
    responses={
        **ok(LeadView, "The lead as it is now", ACTION_ERRORS),
        412: {"description": "If-Match names an older version"},
    },
)
def edit_lead(
    lead_id: LeadId,
    body: EditRequest,
    if_match: Annotated[str | None, Header(description="The etag the edit is based on")] = None,
) -> Response[LeadView]:
    return _act(lead_id, Action.EDIT, body, if_match)


@app.post(
    "/leads/<lead_id>/accept",
    summary="Accept a received lead",
    tags=["lifecycle"],
    responses=ok(LeadView, "The lead as it is now", ACTION_ERRORS),
)
def accept_lead(lead_id: LeadId, body: AcceptRequest) -> Response[LeadView]:
    return _act(lead_id, Action.ACCEPT, body)


@app.post(
    "/leads/<lead_id>/decline",
    summary="Decline a received lead",
    tags=["lifecycle"],
    responses=ok(LeadView, "The lead as it is now", ACTION_ERRORS),
)
def decline_lead(lead_id: LeadId, body: DeclineRequest) -> Response[LeadView]:
    return _act(lead_id, Action.DECLINE, body)


@app.post(
    "/leads/<lead_id>/qualify",
    summary="Record whether the customer responded",
    tags=["lifecycle"],
    responses=ok(LeadView, "The lead as it is now", ACTION_ERRORS),
)
def qualify_lead(lead_id: LeadId, body: QualifyRequest) -> Response[LeadView]:
    return _act(lead_id, Action.QUALIFY, body)


@app.post(
    "/leads/<lead_id>/evaluate",
    summary="Record the BANT evaluation",
    tags=["lifecycle"],
    responses=ok(LeadView, "The lead as it is now", ACTION_ERRORS),
)
def evaluate_lead(lead_id: LeadId, body: EvaluateRequest) -> Response[LeadView]:
    return _act(lead_id, Action.EVALUATE, body)


@app.post(
    "/leads/<lead_id>/won",
    summary="Close as won (gated)",
    tags=["lifecycle"],
    responses=ok(LeadView, "The lead as it is now", ACTION_ERRORS),
)
def won_lead(lead_id: LeadId, body: WonRequest) -> Response[LeadView]:
    return _act(lead_id, Action.WON, body)


@app.post(
    "/leads/<lead_id>/lost",
    summary="Close as lost",
    tags=["lifecycle"],
    responses=ok(LeadView, "The lead as it is now", ACTION_ERRORS),
)
def lost_lead(lead_id: LeadId, body: LostRequest) -> Response[LeadView]:
    return _act(lead_id, Action.LOST, body)


@app.post(
    "/leads/<lead_id>/convert",
    summary="Convert to an opportunity (gated)",
    tags=["lifecycle"],
    responses=ok(LeadView, "The lead as it is now", ACTION_ERRORS),
)
def convert_lead(lead_id: LeadId, body: ConvertRequest) -> Response[LeadView]:
    return _act(lead_id, Action.CONVERT, body)


@app.post(
    "/leads/<lead_id>/close-as-error",
    summary="Close as an error (duplicate, test lead, data error)",
    tags=["lifecycle"],
    responses=ok(LeadView, "The lead as it is now", ACTION_ERRORS),
)
def close_lead_as_error(lead_id: LeadId, body: CloseAsErrorRequest) -> Response[LeadView]:
    return _act(lead_id, Action.CLOSE_AS_ERROR, body)


# --- favorites (a bookmark, not a lifecycle action) ----------------------------------------------
def _favorite(lead_id: str, favorite: bool) -> Response[None]:
    who = caller()
    who.require(Role.REFERRALS_ADMIN)
    if not store().set_favorite(who.partner_id, lead_id, favorite):
        raise NotFound(f"no lead {lead_id}")
    return Response(status_code=204)


@app.put(
    "/leads/<lead_id>/favorite",
    summary="Mark as favorite (idempotent)",
    tags=["favorites"],
    responses={204: {"description": "Done (also when it already was)"}, **ERRORS},
    status_code=204,
)
def favorite_lead(lead_id: LeadId) -> Response[None]:
    return _favorite(lead_id, True)


@app.delete(
    "/leads/<lead_id>/favorite",
    summary="Unmark as favorite (idempotent)",
    tags=["favorites"],
    responses={204: {"description": "Done (also when it already was)"}, **ERRORS},
    status_code=204,
)
def unfavorite_lead(lead_id: LeadId) -> Response[None]:
    return _favorite(lead_id, False)


# --- the document ---------------------------------------------------------------------------------
@app.get(
    "/openapi.json",
    summary="This API's OpenAPI 3 document (no token needed)",
    tags=["meta"],
    security=[{}],
)
def openapi_json() -> Response[str]:
    return Response(status_code=200, content_type=content_types.APPLICATION_JSON, body=openapi_document())


def openapi_document() -> str:
    return app.get_openapi_json_schema(
        title=API_TITLE,
        version="1.0.0",
        description=API_DESCRIPTION,
        security_schemes={"jwt": HTTPBearer(bearerFormat="JWT")},
        security=[{"jwt": []}],
    )


def _not_json(event: dict[str, Any]) -> dict[str, Any] | None:
    """The API speaks JSON only: 415 for a body declared as anything else, 422 for one that is not text."""
    raw = event.get("body")
    if not raw:
        return None
    headers = {name.lower(): value for name, value in (event.get("headers") or {}).items()}
    media_type = str(headers.get("content-type") or "application/json").split(";")[0].strip().lower()
    if media_type != "application/json" and not media_type.endswith("+json"):
        return _raw_error(415, f"bodies are JSON (application/json), not {media_type}", "Content-Type")
    try:
        (base64.b64decode(raw) if event.get("isBase64Encoded") else str(raw).encode()).decode("utf-8")
    except ValueError:  # binascii.Error and UnicodeDecodeError are ValueErrors
        return _raw_error(422, "body: not UTF-8 encoded JSON", "body")
    return None


def _raw_error(status: int, message: str, field: str) -> dict[str, Any]:
    body = {"message": message, "field": field}
    return {"statusCode": status, "headers": {"Content-Type": "application/json"}, "body": json.dumps(body)}


@logger.inject_lambda_context(correlation_id_path="requestContext.requestId")
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return _not_json(event) or app.resolve(event, context)
