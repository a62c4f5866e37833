"""Local identity tokens: what the Cognito JWT authorizer would hand the API, signed locally.

Development tooling only. The local gateway verifies these exactly as strictly as API
Gateway verifies Cognito's (signature, issuer, audience, expiry) and passes their claims on.
"""

from __future__ import annotations

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
    return claims


def as_authorizer_claims(claims: dict[str, Any]) -> dict[str, str]:
    """API Gateway's JWT authorizer renders every claim as a string, lists as `[a b]`."""
    return {
        name: "[" + " ".join(str(v) for v in value) + "]" if isinstance(value, list) else str(value)
        for name, value in claims.items()
    }
