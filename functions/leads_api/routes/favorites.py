"""The heart: a bookmark on any lead of the partner, not a lifecycle action."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response

from leaddesk import composition
from leaddesk.api.auth import current_caller
from leaddesk.api.errors import responses
from leaddesk.api.resolver import new_router
from leaddesk.domain.access import Role
from leads_api.routes.browse import LeadId

router = new_router()
DONE = "Done (also when it already was)"


def mark(lead_id: str, favorite: bool) -> Response[None]:
    who = current_caller(router)
    who.require(Role.REFERRALS_ADMIN)
    composition.leads_service().set_favorite(who.partner_id, lead_id, favorite)
    return Response(status_code=204)


@router.put(
    "/leads/<lead_id>/favorite",
    summary="Mark as favorite (idempotent)",
    tags=["favorites"],
    responses=responses(204, DONE, 400, 401, 403, 404, 415, 422),
    status_code=204,
)
def favorite_lead(lead_id: LeadId) -> Response[None]:
    return mark(lead_id, True)


@router.delete(
    "/leads/<lead_id>/favorite",
    summary="Unmark as favorite (idempotent)",
    tags=["favorites"],
    responses=responses(204, DONE, 400, 401, 403, 404),
    status_code=204,
)
def unfavorite_lead(lead_id: LeadId) -> Response[None]:
    return mark(lead_id, False)
