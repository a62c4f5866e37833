"""Browsing: a tab's leads under filters and a sort, the per-tab counts, one lead."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from leaddesk import composition
from leaddesk.api.auth import current_caller
from leaddesk.api.errors import responses
from leaddesk.api.params import refuse_unknown_parameters
from leaddesk.api.resolver import new_router
from leaddesk.domain.listing import LeadListQuery
from leaddesk.domain.views import LeadPage, LeadView, Summary

router = new_router()
LeadId = Annotated[str, Path(min_length=1, max_length=64, description="The lead's id")]


def lead_response(lead: LeadView) -> Response[LeadView]:
    """A lead with its etag also in the `ETag` header (what `If-Match` compares with)."""
    return Response(
        status_code=200, content_type=content_types.APPLICATION_JSON, body=lead, headers={"ETag": lead.etag}
    )


@router.get(
    "/leads",
    summary="List one tab's leads (filters, sort, cursor)",
    tags=["leads"],
    responses=responses(200, "One page", 400, 401, 403),
)
def list_leads(query: Annotated[LeadListQuery, Query()]) -> LeadPage:
    who = current_caller(router)
    refuse_unknown_parameters(router, LeadListQuery)
    return composition.leads_service().list(who.partner_id, query.to_query(), query.limit, query.cursor)


@router.get(
    "/leads/summary",
    summary="Counts per tab and status",
    tags=["leads"],
    responses=responses(200, "The counts", 401, 403),
)
def summary() -> Summary:
    who = current_caller(router)
    return composition.leads_service().summary(who.partner_id)


@router.get(
    "/leads/<lead_id>",
    summary="One lead with its history",
    tags=["leads"],
    responses=responses(200, "The lead (ETag header = its etag)", 400, 401, 403, 404),
)
def get_lead(lead_id: LeadId) -> Response[LeadView]:
    who = current_caller(router)
    return lead_response(composition.leads_service().get(who.partner_id, lead_id))
