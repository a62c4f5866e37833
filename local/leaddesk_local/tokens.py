"""Local identity tokens: what the Cognito JWT authorizer would hand the API, signed locally.

Development tooling only. The local gateway verifies these exactly as strictly as API
Gateway verifies Cognito's (signature, issuer, audience, expiry) and passes their claims on.
"""

from __future__ import annotations

import json
import os
import time
from typing import Any

import jwt

ISSUER = "https://leaddesk.local/issuer"
ROLES = ("referrals_admin", "profile_admin", "viewer")  # the Cognito groups of template.yaml
AUDIENCE = "leaddesk-local"
_DEFAULT_SECRET = "leaddesk-local-development-secret-not-for-production"


def secret() -> str:
    return os.environ.get("LEADDESK_LOCAL_JWT_SECRET", _DEFAULT_SECRET)


def issue(partner_id: str, roles: list[str], subject: str | None = None, ttl_seconds: int = 12 * 3600) -> str:
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": subject or f"{partner_id}-{'-'.join(roles)}",
        "iat": now,
        "exp": now + ttl_seconds,
        "token_use": "id",
        "custom:partner_id": partner_id,
        "cognito:groups": roles,
    }
    return jwt.encode(claims, secret(), algorithm="HS256")


class InvalidToken(Exception):
    pass


def verify(token: str) -> dict[str, Any]:
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            secret(),
            algorithms=["HS256"],
            audience=AUDIENCE,
            issuer=ISSUER,
            options={"require": ["exp"]},
        )
    except jwt.PyJWTError as error:
        raise InvalidToken(str(error)) from error
    # What a Cognito id token always is: the tenant a string attribute, the groups a list of strings.
    partner = claims.get("custom:partner_id")
    if partner is not None and not isinstance(partner, str):
        raise InvalidToken("custom:partner_id is not a string")
    groups = claims.get("cognito:groups")
    if groups is not None and not (isinstance(groups, list) and all(isinstance(g, str) for g in groups)):
        raise InvalidToken("cognito:groups is not a list of strings")
    return claims


def render_claim(value: Any) -> str:
    """One claim as API Gateway's JWT authorizer passes it: text; lists as `[a b]`, booleans
    `true`/`false`, objects as JSON."""
    if isinstance(value, list):
        return "[" + " ".join(render_claim(item) for item in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def as_authorizer_claims(claims: dict[str, Any]) -> dict[str, str]:
    """The claims as the function receives them: every value text; a null claim is left out (it
    never reaches the function as the text "None")."""
    return {name: render_claim(value) for name, value in claims.items() if value is not None}
