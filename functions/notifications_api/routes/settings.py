"""The notification settings: preferred email, referral admins, business-profile locations, language.

Any role reads them; changing them needs the profile_admin or referrals_admin role.
"""

from __future__ import annotations

from leaddesk import composition
from leaddesk.api.auth import current_caller
from leaddesk.api.errors import responses
from leaddesk.api.resolver import new_router
from leaddesk.domain.access import Role
from leaddesk.domain.notify_settings import SettingsUpdate, SettingsView

router = new_router()


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
