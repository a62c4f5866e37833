"""Calling an API function with the event API Gateway would send it."""

from __future__ import annotations

import importlib
import json
from enum import Enum
from typing import Any

from leaddesk_local.lambda_events import LambdaContext, api_event
from leaddesk_local.tokens import as_authorizer_claims
from tests.helpers.tenants import current_partner, or_current


class Caller(Enum):
    """Who calls when `call_api` is given no partner: the test's own partner (`partners.contoso`).
    `partner=None` is a call without a token."""

    OWN_PARTNER = "the test's own partner"


def claims(partner: str | None = None, *roles: str) -> dict[str, str]:
    """The JWT claims of a user of `partner` (by default the test's own) with these roles."""
    partner = or_current(partner)
    return as_authorizer_claims(
        {
            "sub": f"user-{partner}",
            "custom:partner_id": partner,
            "cognito:groups": list(roles or ["referrals_admin"]),
        }
    )


def call_api(
    method: str,
    path: str,
    route_path: str,
    partner: str | Caller | None = Caller.OWN_PARTNER,
    roles: tuple[str, ...] = ("referrals_admin",),
    query: dict[str, list[str]] | None = None,
    body: Any = None,
    headers: dict[str, str] | None = None,
    path_parameters: dict[str, str] | None = None,
    function: str = "leads_api.app",
    raw_body: str | None = None,
) -> tuple[int, Any, dict[str, str]]:
    """Invoke an API function (by default the leads API) as API Gateway would; (status, json, headers)."""
    handler = importlib.import_module(function).handler
    caller = current_partner() if partner is Caller.OWN_PARTNER else partner
    event = api_event(
        method=method,
        path=path,
        route_path=route_path,
        claims=claims(caller, *roles) if caller else None,
        path_parameters=path_parameters,
        query=query,
        headers={"content-type": "application/json", **(headers or {})},
        body=raw_body if raw_body is not None else json.dumps(body) if body is not None else None,
    )
    context: Any = LambdaContext(function_name=function)
    answer = handler(event, context)
    payload = json.loads(answer["body"]) if answer.get("body") else None
    return answer["statusCode"], payload, answer.get("headers") or {}
