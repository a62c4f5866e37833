"""The notification settings: preferred email, referral admins, business-profile locations, language,
display name; and the addresses suppressed after a hard bounce or a complaint.

Any role reads them; changing them needs the profile_admin or referrals_admin role; clearing a
suppressed address needs referrals_admin.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import unquote

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path

from leaddesk import composition
from leaddesk.api.auth import current_caller
from leaddesk.api.errors import responses
from leaddesk.api.resolver import new_router
from leaddesk.domain.access import Role
from leaddesk.domain.feedback import SuppressionList
from leaddesk.domain.notify_settings import SettingsUpdate, SettingsView

router = new_router()
SuppressedAddress = Annotated[
    str,
    Path(min_length=3, max_length=960, description="The suppressed address (`@` as is, or as %40)"),
]


@router.get(
    "/settings",
    summary="The partner's notification settings",
    tags=["settings"],
    responses=responses(200, "The settings (defaults when never saved)", 401, 403),
)
def get_settings() -> SettingsView:
    who = current_caller(router)
    return composition.settings_service().get(who.partner_id)


@router.put(
    "/settings",
    summary="Replace the notification settings",
    tags=["settings"],
    responses=responses(200, "The settings as saved", 401, 403, 415, 422),
)
def put_settings(body: SettingsUpdate) -> SettingsView:
    who = current_caller(router)
    who.require(Role.PROFILE_ADMIN, Role.REFERRALS_ADMIN)
    return composition.settings_service().replace(who.partner_id, body, who.subject)


@router.get(
    "/settings/suppressions",
    summary="Addresses the partner's emails no longer go to (hard bounces, complaints)",
    tags=["settings"],
    responses=responses(200, "The suppressed addresses, newest first", 401, 403),
)
def list_suppressions() -> SuppressionList:
    who = current_caller(router)
    return SuppressionList(items=composition.settings_service().suppressions(who.partner_id))


@router.delete(
    "/settings/suppressions/<address>",
    summary="Clear a suppressed address: emails go to it again",
    tags=["settings"],
    responses=responses(204, "Cleared", 400, 401, 403, 404),
    status_code=204,
)
def clear_suppression(address: SuppressedAddress) -> Response[None]:
    who = current_caller(router)
    who.require(Role.REFERRALS_ADMIN)
    composition.settings_service().clear_suppression(who.partner_id, unquote(address))
    return Response(status_code=204)
