"""Lifecycle actions: edit, accept, decline, qualify, evaluate, won, lost, convert, close as error.

Each route names its action and its body model; the rules are the domain's state machine.
"""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Header
from pydantic import BaseModel

from leaddesk import composition
from leaddesk.api.auth import current_caller
from leaddesk.api.errors import responses
from leaddesk.api.resolver import new_router
from leaddesk.domain.access import Role
from leaddesk.domain.lifecycle import Action
from leaddesk.domain.requests import (
    AcceptRequest,
    CloseAsErrorRequest,
    ConvertRequest,
    DeclineRequest,
    EditRequest,
    EvaluateRequest,
    LostRequest,
    QualifyRequest,
    WonRequest,
)
from leaddesk.domain.views import LeadView
from leads_api.routes.browse import LeadId, lead_response

router = new_router()
RESPONSES = responses(200, "The lead as it is now", 400, 401, 403, 404, 409, 415, 422)


def act(lead_id: str, action: Action, body: BaseModel, if_match: str | None = None) -> Response[LeadView]:
    who = current_caller(router)
    who.require(Role.REFERRALS_ADMIN)
    lead = composition.leads_service().act(
        who.partner_id, lead_id, action, body, who.subject, if_match, actor_name=who.name
    )
    return lead_response(lead)


@router.patch(
    "/leads/<lead_id>",
    summary="Edit an accepted lead (honours If-Match)",
    tags=["lifecycle"],
    responses=responses(200, "The lead as it is now", 400, 401, 403, 404, 409, 412, 415, 422),
)
def edit_lead(
    lead_id: LeadId,
    body: EditRequest,
    if_match: Annotated[str | None, Header(description="The etag the edit is based on")] = None,
) -> Response[LeadView]:
    return act(lead_id, Action.EDIT, body, if_match)


@router.post(
    "/leads/<lead_id>/accept", summary="Accept a received lead", tags=["lifecycle"], responses=RESPONSES
)
def accept_lead(lead_id: LeadId, body: AcceptRequest) -> Response[LeadView]:
    return act(lead_id, Action.ACCEPT, body)


@router.post(
    "/leads/<lead_id>/decline", summary="Decline a received lead", tags=["lifecycle"], responses=RESPONSES
)
def decline_lead(lead_id: LeadId, body: DeclineRequest) -> Response[LeadView]:
    return act(lead_id, Action.DECLINE, body)


@router.post(
    "/leads/<lead_id>/qualify",
    summary="Record whether the customer responded",
    tags=["lifecycle"],
    responses=RESPONSES,
)
def qualify_lead(lead_id: LeadId, body: QualifyRequest) -> Response[LeadView]:
    return act(lead_id, Action.QUALIFY, body)


@router.post(
    "/leads/<lead_id>/evaluate", summary="Record the BANT evaluation", tags=["lifecycle"], responses=RESPONSES
)
def evaluate_lead(lead_id: LeadId, body: EvaluateRequest) -> Response[LeadView]:
    return act(lead_id, Action.EVALUATE, body)


@router.post("/leads/<lead_id>/won", summary="Close as won (gated)", tags=["lifecycle"], responses=RESPONSES)
def won_lead(lead_id: LeadId, body: WonRequest) -> Response[LeadView]:
    return act(lead_id, Action.WON, body)


@router.post("/leads/<lead_id>/lost", summary="Close as lost", tags=["lifecycle"], responses=RESPONSES)
def lost_lead(lead_id: LeadId, body: LostRequest) -> Response[LeadView]:
    return act(lead_id, Action.LOST, body)


@router.post(
    "/leads/<lead_id>/convert",
    summary="Convert to an opportunity (gated)",
    tags=["lifecycle"],
    responses=RESPONSES,
)
def convert_lead(lead_id: LeadId, body: ConvertRequest) -> Response[LeadView]:
    return act(lead_id, Action.CONVERT, body)


@router.post(
    "/leads/<lead_id>/close-as-error",
    summary="Close as an error (duplicate, test lead, data error)",
    tags=["lifecycle"],
    responses=RESPONSES,
)
def close_lead_as_error(lead_id: LeadId, body: CloseAsErrorRequest) -> Response[LeadView]:
    return act(lead_id, Action.CLOSE_AS_ERROR, body)
