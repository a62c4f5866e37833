"""The identity provider's people as recipients: a user of the partner, enabled, with an email."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from leaddesk.adapters.people import PeopleDirectory, person_of
from leaddesk.domain.people import Person, partner_addresses


def user(email: str | None, partner: str | None, enabled: bool = True) -> dict[str, Any]:
    attributes = [{"Name": "sub", "Value": "x"}]
    if email:
        attributes.append({"Name": "email", "Value": email})
    if partner:
        attributes.append({"Name": "custom:partner_id", "Value": partner})
    return {"Username": email or "nobody", "Attributes": attributes, "Enabled": enabled}


class FakePool:
    """Two pages of the referrals_admin group, counting the calls."""

    def __init__(self) -> None:
        self.calls = 0
        self.pages = [
            [user("ana@contoso.com", "p-1"), user("ben@fabrikam.com", "p-2"), user(None, "p-1")],
            [
                user("ANA@contoso.com", "p-1"),
                user("off@contoso.com", "p-1", enabled=False),
                user("x@y.com", None),
            ],
        ]

    def list_users_in_group(self, **kwargs: Any) -> Mapping[str, Any]:
        assert kwargs["GroupName"] == "referrals_admin" and kwargs["Limit"] <= 60
        self.calls += 1
        page = 1 if kwargs.get("NextToken") == "next" else 0
        return {"Users": self.pages[page], **({"NextToken": "next"} if page == 0 else {})}


def test_a_partners_enabled_users_with_an_email_each_once() -> None:
    people = [p for p in (person_of(u) for page in FakePool().pages for u in page) if p is not None]
    assert partner_addresses(people, "p-1") == ["ana@contoso.com"]
    assert partner_addresses(people, "p-2") == ["ben@fabrikam.com"]
    assert partner_addresses([Person(email="a@b.com", partner_id="p-9")], "p-1") == []


def test_the_directory_reads_every_page_once_per_ttl() -> None:
    pool, now = FakePool(), [datetime(2026, 12, 1, tzinfo=UTC)]
    directory = PeopleDirectory(pool, "pool-1", lambda: now[0], ttl=timedelta(minutes=5))
    assert directory.referral_admins("p-1") == ["ana@contoso.com"]
    assert directory.referral_admins("p-2") == ["ben@fabrikam.com"]
    assert pool.calls == 2  # one listing (two pages) answers every partner
    now[0] += timedelta(minutes=5)
    assert directory.referral_admins("p-3") == [] and pool.calls == 4
