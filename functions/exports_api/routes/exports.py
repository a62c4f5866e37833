"""`/exports`: start an export of a tab's filtered list, follow it, download its file."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Path

from leaddesk import composition
from leaddesk.api.auth import current_caller
from leaddesk.api.errors import responses
from leaddesk.api.resolver import new_router
from leaddesk.domain.access import Role
from leaddesk.domain.exports import ExportList, ExportRequest, ExportView

router = new_router()
ExportId = Annotated[str, Path(min_length=1, max_length=64, description="The export's id")]


@router.post(
    "/exports",
    summary="Export a tab's list (its filters and sort) to CSV; runs in the background",
    tags=["exports"],
    responses=responses(202, "Started: follow it at Location", 400, 401, 403, 415, 422),
    status_code=202,
)
def start_export(body: ExportRequest) -> Response[ExportView]:
    who = current_caller(router)
    who.require(Role.REFERRALS_ADMIN)
    claims = router.current_event.request_context.authorizer.jwt_claim or {}
    email = claims.get("email") if isinstance(claims.get("email"), str) else None
    export = composition.exports_service().start(who.partner_id, who.subject, email, body)
    return Response(
        status_code=202,
        content_type=content_types.APPLICATION_JSON,
        body=export,
        headers={"Location": f"/exports/{export.export_id}"},
    )


@router.get(
    "/exports",
    summary="The partner's recent exports, newest first",
    tags=["exports"],
    responses=responses(200, "The exports", 401, 403),
)
def list_exports() -> ExportList:
    who = current_caller(router)
    return composition.exports_service().recent(who.partner_id)


@router.get(
    "/exports/<export_id>",
    summary="An export's status and progress; once done, a download link valid a few minutes",
    tags=["exports"],
    responses=responses(200, "The export", 400, 401, 403, 404),
)
def get_export(export_id: ExportId) -> ExportView:
    who = current_caller(router)
    return composition.exports_service().get(who.partner_id, export_id)
