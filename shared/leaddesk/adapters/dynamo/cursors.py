"""Opaque page cursors: the sort key to continue after, bound to the partner, tab and sort.

A cursor from another partner, tab or sort is refused, so a cursor can never widen a query.
"""

from __future__ import annotations

import base64
import json

from leaddesk.adapters.dynamo.keys import partner_key
from leaddesk.domain.filters import CursorError, LeadQuery

MAX_POSITION = 1024  # an index sort key: a lead id, a name (≤ 200) or a value, plus the lead id


def _query_tag(query: LeadQuery) -> str:
    return f"{query.tab.value}/{query.sort.value}/{query.order.value}"


def encode_position(partner_id: str, query: LeadQuery, position: str) -> str:
    plain = {"PK": partner_key(partner_id), "q": _query_tag(query), "k": position}
    return base64.urlsafe_b64encode(json.dumps(plain, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_position(cursor: str, partner_id: str, query: LeadQuery) -> str:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        plain = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(plain, dict) or not all(isinstance(v, str) for v in plain.values()):
            raise ValueError("not a position")
    except ValueError as error:
        raise CursorError("cursor is not valid") from error
    # An empty position is well-formed JSON but no key DynamoDB can start from.
    if plain.get("PK") != partner_key(partner_id) or not plain.get("k") or len(plain["k"]) > MAX_POSITION:
        raise CursorError("cursor is not valid")
    if plain.get("q") != _query_tag(query):
        raise CursorError("cursor belongs to another tab or sort")
    position: str = plain["k"]
    return position
