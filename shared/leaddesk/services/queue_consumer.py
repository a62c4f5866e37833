"""One way to consume an SQS batch: every queue-fed function (ingest, notify, the export worker,
republish) hands its batch to a `QueueConsumer` with the service call that handles the records.

The service decides each record's fate; the consumer does the rest, the same way everywhere:
- a record the service calls hopeless (`dead_letter`) goes to the dead-letter queue with its
  reason and field (`leaddesk-reason`/`leaddesk-field`) and is not retried — unless that send
  fails, or the function has no dead-letter queue of its own: then it is retried, and the
  queue's redrive policy keeps it after its last receive (never lost);
- a `retry` record is reported in the partial batch response (`batchItemFailures`);
- every record's fate is logged; `RecordsRetried` and `DeadLettered` (dimension `Field`) counted.

Powertools' BatchProcessor is not used: it hands records to a handler one by one, and ingest
and the notifier handle the batch as a whole (writes in parallel, one PutEvents per ten, one
claim transaction); see docs/decision_log.md.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict

from aws_lambda_powertools import Logger

from leaddesk.services.records import DEAD_LETTER, RETRY, QueuedRecord, RecordOutcome

if TYPE_CHECKING:
    from leaddesk.adapters.dead_letters import DeadLetterQueue
    from leaddesk.adapters.metrics import OperatorMetrics
    from leaddesk.triggers import SqsBatch

logger = Logger(child=True)

BatchHandler = Callable[[Sequence[QueuedRecord]], Sequence[RecordOutcome]]


class BatchItemFailure(TypedDict):
    itemIdentifier: str


class PartialBatchResponse(TypedDict):
    """The answer Lambda's SQS event source reads with `ReportBatchItemFailures`."""

    batchItemFailures: list[BatchItemFailure]


@dataclass(frozen=True)
class Settled:
    """A record's final fate in this invocation, as logged."""

    fate: str
    reason: str | None


class QueueConsumer:
    def __init__(self, subject: str, dead_letters: DeadLetterQueue | None, metrics: OperatorMetrics) -> None:
        """`subject` names a record in the logs ("inbound event", "notice"…); `dead_letters`
        None: the function's queue has only its redrive policy."""
        self._subject = subject
        self._dead_letters = dead_letters
        self._metrics = metrics

    def consume(self, batch: SqsBatch, handle: BatchHandler) -> PartialBatchResponse:
        records = [
            QueuedRecord(message.message_id, message.body, message.attributes.receive_count)
            for message in batch.records
        ]
        outcomes = {outcome.message_id: outcome for outcome in handle(records)}
        failures: list[BatchItemFailure] = []
        for record in records:
            outcome = outcomes.get(record.message_id)
            settled = self._settle(record, outcome)
            if settled.fate == RETRY:
                failures.append({"itemIdentifier": record.message_id})
            self._log(record, settled, outcome)
        self._metrics.count("RecordsRetried", len(failures))
        return {"batchItemFailures": failures}

    def _settle(self, record: QueuedRecord, outcome: RecordOutcome | None) -> Settled:
        if outcome is None:  # a service accounts for every record; should one not, SQS tries again
            return Settled(RETRY, "no outcome for this record")
        if outcome.fate != DEAD_LETTER:
            return Settled(outcome.fate, outcome.reason)
        field = outcome.field or "body"
        reason = outcome.reason or "unknown"
        if self._dead_letters is None:
            return Settled(RETRY, f"{field}: {reason} (left to the queue's redrive policy)")
        try:
            self._dead_letters.send(record.body, reason, field, record.message_id)
        except Exception as error:  # the queue brings it back; nothing is lost
            return Settled(RETRY, f"dead-letter failed: {error}")
        self._metrics.count("DeadLettered", dimension=("Field", field))
        return Settled(DEAD_LETTER, f"{field}: {reason}")

    def _log(self, record: QueuedRecord, settled: Settled, outcome: RecordOutcome | None) -> None:
        log = logger.warning if settled.fate in (RETRY, DEAD_LETTER) else logger.info
        fields = outcome.log_fields() if outcome is not None else {}
        log(
            f"{self._subject} {settled.fate}",
            extra={"message_id": record.message_id, "reason": settled.reason, **fields},
        )
