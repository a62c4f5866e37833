"""A partner's people as the identity provider knows them (docs/product.md#notifications).

In AWS the Cognito user pool holds them: a user's `custom:partner_id` is its partner and its
groups are its roles. The notifier asks only one question of them: the email addresses of the
partner's referral admins, who receive lead notifications when the settings name nobody.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

REFERRALS_ADMIN_GROUP = "referrals_admin"


class Person(BaseModel):
    """One of a partner's people: what the identity provider says of them."""

    model_config = ConfigDict(frozen=True)

    email: str = Field(min_length=3, max_length=320)
    name: str | None = Field(default=None, max_length=200)
    partner_id: str = Field(min_length=1, max_length=200)
    enabled: bool = True


def partner_addresses(people: list[Person], partner_id: str) -> list[str]:
    """The enabled people of `partner_id`, by address, each once (case-insensitive), in order."""
    seen: set[str] = set()
    found: list[str] = []
    for person in people:
        address = person.email.strip()
        if person.partner_id != partner_id or not person.enabled or address.lower() in seen:
            continue
        seen.add(address.lower())
        found.append(address)
    return found
