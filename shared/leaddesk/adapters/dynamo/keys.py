"""Key layout of the single table: every key starts with the partner (`P#<partner>`).

So a request can only ever reach its own tenant's items (see docs/architecture.md, "Data").
"""

from __future__ import annotations

import zlib
from datetime import UTC, datetime
from typing import Any

from leaddesk.domain.ingest_outcomes import MarkerKey, MarkerKind
from leaddesk.domain.models import LeadStatus, Tab

BY_TAB = "ByTab"
BY_TAB_STATUS = "ByTabStatus"
FAVORITES = "Favorites"
BY_TAB_NAME = "ByTabName"
BY_TAB_VALUE = "ByTabValue"
DUE = "DueByShard"
DEFAULT_DUE_SHARDS = 8
COUNTER_SHARDS = 4

MarkerItemKey = tuple[str, str]  # (PK, SK) of an event-id or dedupe marker


def partner_key(partner_id: str) -> str:
    return f"P#{partner_id}"


def partner_of(key: str) -> str:
    return key.removeprefix("P#")


def lead_key(partner_id: str, lead_id: str) -> dict[str, Any]:
    return {"PK": {"S": partner_key(partner_id)}, "SK": {"S": f"L#{lead_id}"}}


def tab_key(partner_id: str, tab: Tab) -> str:
    return f"{partner_key(partner_id)}#T#{tab.value}"


def tab_status_key(partner_id: str, tab: Tab, status: LeadStatus) -> str:
    return f"{tab_key(partner_id, tab)}#S#{status.value}"


def favorites_key(partner_id: str) -> str:
    return f"{partner_key(partner_id)}#FAV"


def event_marker_key(partner_id: str, event_id: str) -> MarkerItemKey:
    return partner_key(partner_id), f"E#{event_id}"


def dedupe_marker_key(partner_id: str, dedupe: str) -> MarkerItemKey:
    return partner_key(partner_id), f"D#{dedupe}"


def marker_item_key(marker: MarkerKey) -> MarkerItemKey:
    if marker.kind is MarkerKind.EVENT:
        return event_marker_key(marker.partner_id, marker.value)
    return dedupe_marker_key(marker.partner_id, marker.value)


def due_partition(shard: int) -> str:
    return f"DUE#{shard}"


def due_shard(lead_id: str, shards: int) -> int:
    """A lead's Due shard: stable (its Due keys move only with its due time), spread evenly."""
    return zlib.crc32(lead_id.encode()) % shards


def counter_key(partner_id: str, shard: int) -> dict[str, Any]:
    """One of the partner's summary counter items (see `dynamo.counters`)."""
    return {"PK": {"S": partner_key(partner_id)}, "SK": {"S": f"COUNTS#{shard}"}}


def due_time_text(moment: datetime) -> str:
    """Fixed-width UTC text, so that string order is time order in the Due index."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
