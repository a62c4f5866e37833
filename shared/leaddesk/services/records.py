"""A queued message as the queue-fed services take it (the handlers read it from the SQS batch)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class QueuedRecord:
    message_id: str
    body: str
