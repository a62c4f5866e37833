"""Query parameters beyond what a typed model declares are refused, not ignored."""

from __future__ import annotations

from aws_lambda_powertools.event_handler.api_gateway import Router
from pydantic import BaseModel

from leaddesk.api.errors import InvalidParameter


def refuse_unknown_parameters(router: Router, model: type[BaseModel]) -> None:
    """400 naming the first parameter `model` does not know (a typo must not silently widen a list)."""
    allowed = {info.alias or name for name, info in model.model_fields.items()}
    unknown = sorted(set(router.current_event.query_string_parameters or {}) - allowed)
    if unknown:
        raise InvalidParameter(unknown[0], f"unknown parameter; allowed: {', '.join(sorted(allowed))}")
