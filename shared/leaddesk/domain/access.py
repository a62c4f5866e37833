"""Who is calling: the tenant and roles come only from the identity token's claims.

See docs/product.md#tenants-and-roles.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Role(StrEnum):
    REFERRALS_ADMIN = "referrals_admin"
    PROFILE_ADMIN = "profile_admin"
    VIEWER = "viewer"


class Unauthenticated(Exception):
    """No usable identity: 401."""


class Forbidden(Exception):
    """The caller's roles do not allow this: 403."""


@dataclass(frozen=True)
class Caller:
    partner_id: str
    roles: frozenset[Role]
    subject: str
    name: str | None = None  # how people know them (the token's name or email), for the history

    def require(self, *allowed: Role) -> None:
        if not self.roles.intersection(allowed):
            needed = " or ".join(role.value for role in allowed)
            raise Forbidden(f"this action needs the {needed} role")


def _groups(raw: Any) -> list[str]:
    """`cognito:groups` arrives as a list, a JSON list, or API Gateway's `[a b]` rendering."""
    if raw is None:
        return []
    if isinstance(raw, list):
        return [str(g) for g in raw]
    text = str(raw).strip()
    if text.startswith("[") and text.endswith("]"):
        try:
            parsed = json.loads(text)
            if isinstance(parsed, list):
                return [str(g) for g in parsed]
        except ValueError:
            pass
        text = text[1:-1]
    return [g for g in text.replace(",", " ").split() if g]


# A tenant id as the identity provider issues it (a Cognito string attribute): letters, digits and
# a few separators. Anything else — `None`, `true`, `[a b]` (how API Gateway renders a missing,
# boolean or list claim), or a `#`, which separates the parts of every table key — is no tenant.
_PARTNER_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:@-]{0,127}")
_RENDERED_NON_STRINGS = frozenset({"none", "null", "true", "false", "undefined", "nan"})


def is_partner_id(text: str) -> bool:
    """The one rule for a tenant id, for tokens and for producers' events alike."""
    return text.lower() not in _RENDERED_NON_STRINGS and _PARTNER_ID.fullmatch(text) is not None


def partner_of(claims: Mapping[str, Any]) -> str:
    """The tenant the token names; 401 when the claim is missing or is not a tenant id."""
    raw = claims.get("custom:partner_id")
    if raw is None:
        raise Unauthenticated("the token carries no custom:partner_id claim: sign in again")
    if not isinstance(raw, str):
        raise Unauthenticated("the token's custom:partner_id claim is not text: sign in again")
    partner_id = raw.strip()
    if not is_partner_id(partner_id):
        raise Unauthenticated("the token's custom:partner_id claim is not a partner id: sign in again")
    return partner_id


def caller_from_claims(claims: Mapping[str, Any] | None) -> Caller:
    if not claims:
        raise Unauthenticated("no identity token")
    partner_id = partner_of(claims)
    roles = frozenset(
        Role(g) for g in _groups(claims.get("cognito:groups")) if g in Role.__members__.values()
    )
    if not roles:
        raise Forbidden("the token carries no LeadDesk role (cognito:groups)")
    return Caller(
        partner_id=partner_id,
        roles=roles,
        subject=str(claims.get("sub") or "unknown"),
        name=_display_name(claims),
    )


def _display_name(claims: Mapping[str, Any]) -> str | None:
    """The person as a colleague reads them in a lead's history: the token's `name`, else its
    `email` (Cognito's id token carries both when the user pool has them); None when neither."""
    for claim in ("name", "email"):
        value = claims.get(claim)
        if isinstance(value, str) and value.strip() and value.strip().lower() not in _RENDERED_NON_STRINGS:
            return value.strip()[:200]
    return None
