"""The action center: the feed newest first with its unread count, and marking items read.

Any role reads the feed; marking read changes what the whole partner sees, so viewers may not.
"""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from leaddesk import composition
from leaddesk.api.auth import current_caller
from leaddesk.api.errors import responses
from leaddesk.api.params import refuse_unknown_parameters
from leaddesk.api.resolver import new_router
from leaddesk.domain.access import Role
from leaddesk.domain.action_center import NotificationPage, NotificationQuery, ReadAll

router = new_router()
NotificationId = Annotated[
    str, Path(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9._-]+$", description="The item's id")
]
MARKERS = (Role.REFERRALS_ADMIN, Role.PROFILE_ADMIN)


@router.get(
    "/notifications",
    summary="The action center, newest first (open, resolved or all items), with the unread and open counts",
    tags=["notifications"],
    responses=responses(200, "One page of the feed", 400, 401, 403),
)
def list_notifications(query: Annotated[NotificationQuery, Query()]) -> NotificationPage:
    who = current_caller(router)
    refuse_unknown_parameters(router, NotificationQuery)
    return composition.action_center_service().list(who.partner_id, query.limit, query.cursor, query.state)


@router.post(
    "/notifications/<notification_id>/read",
    summary="Mark one item read (idempotent)",
    tags=["notifications"],
    responses=responses(204, "Read", 400, 401, 403, 404),
    status_code=204,
)
def mark_read(notification_id: NotificationId) -> Response[None]:
    who = current_caller(router)
    who.require(*MARKERS)
    composition.action_center_service().mark_read(who.partner_id, notification_id)
    return Response(status_code=204)


@router.post(
    "/notifications/read-all",
    summary="Mark every item read",
    tags=["notifications"],
    responses=responses(200, "Everything is read", 401, 403),
)
def mark_all_read() -> ReadAll:
    who = current_caller(router)
    who.require(*MARKERS)
    return composition.action_center_service().mark_all_read(who.partner_id)
