"""What the notifications API does: the action center's feed, and the notification settings."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from leaddesk.adapters.action_center import ActionCenterStore
from leaddesk.adapters.people import PeopleDirectory
from leaddesk.domain.action_center import NotificationNotFound, NotificationPage, ReadAll
from leaddesk.domain.errors import SuppressionNotFound
from leaddesk.domain.feedback import Suppression
from leaddesk.domain.notices import unreached_lead_types
from leaddesk.domain.notify_settings import NotificationSettings, SettingsUpdate, SettingsView


class ActionCenterService:
    def __init__(self, store: ActionCenterStore, clock: Callable[[], datetime]) -> None:
        self._store = store
        self._clock = clock

    def list(self, partner_id: str, limit: int, cursor: str | None, state: str = "all") -> NotificationPage:
        items, unread, open_count, next_cursor = self._store.page(
            partner_id, limit, cursor, state, self._clock()
        )
        return NotificationPage(items=items, unread=unread, open=open_count, next_cursor=next_cursor)

    def mark_read(self, partner_id: str, notification_id: str) -> None:
        if not self._store.mark_read(partner_id, notification_id, self._clock()):
            raise NotificationNotFound(notification_id)

    def mark_all_read(self, partner_id: str) -> ReadAll:
        self._store.mark_all_read(partner_id, self._clock())
        return ReadAll(unread=0)


class SettingsService:
    def __init__(
        self, store: ActionCenterStore, clock: Callable[[], datetime], people: PeopleDirectory
    ) -> None:
        self._store = store
        self._clock = clock
        self._people = people

    def get(self, partner_id: str) -> SettingsView:
        return self._view(partner_id, self._store.settings(partner_id))

    def replace(self, partner_id: str, update: SettingsUpdate, actor: str) -> SettingsView:
        settings = NotificationSettings.from_update(update, self._clock(), actor)
        self._store.save_settings(partner_id, settings)
        return self._view(partner_id, settings)

    def _view(self, partner_id: str, settings: NotificationSettings) -> SettingsView:
        """The settings with who they reach: the partner's referrals_admin users, and the lead
        types that would reach nobody (the notifier's own rule, `domain.notices`)."""
        people = self._people.referral_admins(partner_id)
        return SettingsView(
            **settings.model_dump(),
            referrals_admin_users=people,
            unreached_lead_types=unreached_lead_types(settings, people),
        )

    def suppressions(self, partner_id: str) -> list[Suppression]:
        return sorted(self._store.suppressions(partner_id), key=lambda s: s.at, reverse=True)

    def clear_suppression(self, partner_id: str, address: str) -> None:
        if not self._store.clear_suppression(partner_id, address.strip().lower()):
            raise SuppressionNotFound(address)
