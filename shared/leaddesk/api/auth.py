"""Who is calling: the tenant and roles come only from the JWT authorizer's claims."""

from __future__ import annotations

from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from leaddesk.domain.access import Caller, caller_from_claims


def current_caller(router: APIGatewayHttpRouter) -> Caller:
    """The caller of the request the router is handling (401/403 when the token says too little)."""
    authorizer = router.current_event.request_context.authorizer
    claims = authorizer.jwt_claim if authorizer else None
    return caller_from_claims(claims)
