"""The process clock, injected into services (timed rules take "now" from their event instead)."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> datetime:
    return datetime.now(UTC)
