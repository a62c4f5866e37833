"""The partners' referral admins, read from the identity provider (the Cognito user pool).

`ListUsersInGroup` on the `referrals_admin` group, every page, gives each user's attributes;
a user belongs to the partner in its `custom:partner_id` and is reached at its `email`. One
listing answers for every partner, so it is cached per process for `ttl` (five minutes by
default): a notify batch asks for several partners at once, and Cognito's user-read quota
(shared by the account's `ListUsers*` calls) is far below the notifier's event rate, while an
admin added or removed in the pool is heard of within minutes — the time an email takes to
matter. A failed listing raises (the notifier retries the record); an empty pool is an answer.

The local stack's moto holds the same pool (`leaddesk users add`), read through the same code.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol

from leaddesk.domain.people import REFERRALS_ADMIN_GROUP, Person, partner_addresses

DEFAULT_TTL = timedelta(minutes=5)
PAGE_SIZE = 60  # the most ListUsersInGroup returns in one page
PARTNER_ATTRIBUTE = "custom:partner_id"


class CognitoUsers(Protocol):
    """The one call of the Cognito client the directory makes."""

    def list_users_in_group(self, **kwargs: Any) -> Mapping[str, Any]: ...


class PeopleDirectory:
    """The referral admins of each partner, as the user pool lists them (cached briefly)."""

    def __init__(
        self,
        client: CognitoUsers,
        user_pool_id: str,
        clock: Callable[[], datetime],
        ttl: timedelta = DEFAULT_TTL,
    ) -> None:
        self._client = client
        self._pool = user_pool_id
        self._clock = clock
        self._ttl = ttl
        self._lock = threading.Lock()
        self._cached: tuple[datetime, list[Person]] | None = None

    def referral_admins(self, partner_id: str) -> list[str]:
        """The addresses of the partner's enabled users in the `referrals_admin` group."""
        return partner_addresses(self._admins(), partner_id)

    def _admins(self) -> list[Person]:
        with self._lock:
            now = self._clock()
            if self._cached is not None and now - self._cached[0] < self._ttl:
                return self._cached[1]
            people = self._list(REFERRALS_ADMIN_GROUP)
            self._cached = (now, people)
            return people

    def _list(self, group: str) -> list[Person]:
        people: list[Person] = []
        request: dict[str, Any] = {"UserPoolId": self._pool, "GroupName": group, "Limit": PAGE_SIZE}
        while True:
            answer = self._client.list_users_in_group(**request)
            people += [p for p in (person_of(user) for user in answer.get("Users", [])) if p is not None]
            token = answer.get("NextToken")
            if not token:
                return people
            request["NextToken"] = token


def person_of(user: Mapping[str, Any]) -> Person | None:
    """A Cognito user as a person; None when it has no partner or no email (nobody to reach)."""
    attributes: Sequence[Mapping[str, str]] = user.get("Attributes", [])
    values = {a["Name"]: a.get("Value", "") for a in attributes}
    partner, address = values.get(PARTNER_ATTRIBUTE, ""), values.get("email", "")
    if not partner or not address:
        return None
    return Person(
        email=address,
        name=values.get("name") or None,
        partner_id=partner,
        enabled=bool(user.get("Enabled", True)),
    )
