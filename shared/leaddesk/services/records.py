"""A queued message as the queue-fed services take it, and what they say became of it.

The handlers hand their SQS batch to `services.queue_consumer.QueueConsumer`, which gives the
service these records and reads back one `RecordOutcome` per record; this module is small so
that the handlers' cold start does not pay for the services.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

# The two fates every queue-fed service shares; its other fates (created, done, published…) all
# mean the record is settled.
RETRY = "retry"  # a transient failure: reported in `batchItemFailures`, SQS delivers it again
DEAD_LETTER = "dead_letter"  # it can never succeed: the consumer dead-letters it with its reason


@dataclass(frozen=True)
class QueuedRecord:
    message_id: str
    body: str
    receive_count: int = 1  # SQS's ApproximateReceiveCount: 1 on the first delivery


class RecordOutcome(Protocol):
    """What a service says became of one record (its message id)."""

    @property
    def message_id(self) -> str: ...

    @property
    def fate(self) -> str: ...  # RETRY, DEAD_LETTER, or the service's word for a settled record

    @property
    def reason(self) -> str | None: ...  # why it is retried or dead-lettered

    @property
    def field(self) -> str | None: ...  # a dead letter's offending field

    def log_fields(self) -> dict[str, object]:
        """What the record's log line says besides its fate, reason and message id."""
        ...
