"""The one queue consumer: the partial batch response, dead letters with reason and field, metrics, logs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pytest

from leaddesk.adapters.dead_letters import DeadLetterQueue
from leaddesk.adapters.metrics import OperatorMetrics
from leaddesk.services import queue_consumer
from leaddesk.services.exports import ExportRecordResult
from leaddesk.services.ingest import RecordFate, RecordResult
from leaddesk.services.notify import Fate, NotifyResult
from leaddesk.services.queue_consumer import QueueConsumer
from leaddesk.services.records import DEAD_LETTER, RETRY, QueuedRecord, RecordOutcome
from leaddesk.services.republish import RepublishResult
from leaddesk.triggers import SqsBatch


class RecordingDeadLetters(DeadLetterQueue):
    def __init__(self, refuse: bool = False) -> None:  # no SQS: what would be sent is kept
        self.sent: list[tuple[str, str, str, str]] = []
        self._refuse = refuse

    def send(self, body: str, reason: str, field: str, message_id: str) -> None:
        if self._refuse:
            raise ConnectionError("SQS unreachable")
        self.sent.append((body, reason, field, message_id))


class RecordingMetrics(OperatorMetrics):
    def __init__(self) -> None:
        self.counted: list[tuple[str, int, tuple[str, str] | None]] = []

    def count(self, name: str, value: int = 1, dimension: tuple[str, str] | None = None) -> None:
        if value > 0:
            self.counted.append((name, value, dimension))


@dataclass(frozen=True)
class Outcome:
    message_id: str
    fate: str
    reason: str | None = None
    field: str | None = None

    def log_fields(self) -> dict[str, object]:
        return {"subject": "s-" + self.message_id}


def batch(*bodies: str, receive_count: int = 1) -> SqsBatch:
    return SqsBatch.model_validate(
        {
            "Records": [
                {
                    "messageId": f"m-{n}",
                    "body": body,
                    "attributes": {"ApproximateReceiveCount": str(receive_count)},
                }
                for n, body in enumerate(bodies)
            ]
        }
    )


def test_retries_are_reported_dead_letters_sent_with_reason_and_field_and_the_rest_settled(
    caplog: pytest.LogCaptureFixture,
) -> None:
    dead_letters, metrics = RecordingDeadLetters(), RecordingMetrics()
    consumer = QueueConsumer("thing", dead_letters, metrics)
    given: list[QueuedRecord] = []

    def handle(records: Sequence[QueuedRecord]) -> list[Outcome]:
        given.extend(records)
        return [
            Outcome("m-0", "created"),
            Outcome("m-1", RETRY, "throttled"),
            Outcome("m-2", DEAD_LETTER, "is not a partner id", "partner_id"),
            Outcome("m-3", DEAD_LETTER, "not a JSON event"),  # no field: the body
        ]

    with caplog.at_level("INFO", logger=queue_consumer.logger.name):
        answer = consumer.consume(batch("a", "b", "c", "{", receive_count=3), handle)
    assert answer == {"batchItemFailures": [{"itemIdentifier": "m-1"}]}
    assert [(r.message_id, r.body, r.receive_count) for r in given] == [
        ("m-0", "a", 3),
        ("m-1", "b", 3),
        ("m-2", "c", 3),
        ("m-3", "{", 3),
    ]
    assert dead_letters.sent == [
        ("c", "is not a partner id", "partner_id", "m-2"),
        ("{", "not a JSON event", "body", "m-3"),
    ]
    assert metrics.counted == [
        ("DeadLettered", 1, ("Field", "partner_id")),
        ("DeadLettered", 1, ("Field", "body")),
        ("RecordsRetried", 1, None),
    ]
    logged = {(r.message, r.levelname, getattr(r, "subject", None)) for r in caplog.records}
    assert logged == {
        ("thing created", "INFO", "s-m-0"),
        ("thing retry", "WARNING", "s-m-1"),
        ("thing dead_letter", "WARNING", "s-m-2"),
        ("thing dead_letter", "WARNING", "s-m-3"),
    }


def test_a_dead_letter_that_cannot_be_sent_is_retried_never_lost() -> None:
    metrics = RecordingMetrics()
    consumer = QueueConsumer("thing", RecordingDeadLetters(refuse=True), metrics)
    answer = consumer.consume(batch("c"), lambda records: [Outcome("m-0", DEAD_LETTER, "bad", "x")])
    assert answer == {"batchItemFailures": [{"itemIdentifier": "m-0"}]}
    assert metrics.counted == [("RecordsRetried", 1, None)]


def test_without_a_dead_letter_queue_a_hopeless_record_is_left_to_the_redrive_policy() -> None:
    consumer = QueueConsumer("parked event", None, RecordingMetrics())
    answer = consumer.consume(batch("c"), lambda records: [Outcome("m-0", DEAD_LETTER, "bad", "x")])
    assert answer == {"batchItemFailures": [{"itemIdentifier": "m-0"}]}


def test_a_record_the_service_did_not_account_for_comes_back() -> None:
    consumer = QueueConsumer("thing", RecordingDeadLetters(), RecordingMetrics())
    answer = consumer.consume(batch("a", "b"), lambda records: [Outcome("m-0", "done")])
    assert answer == {"batchItemFailures": [{"itemIdentifier": "m-1"}]}


def test_every_queue_fed_service_speaks_the_consumers_two_fates() -> None:
    assert (RecordFate.RETRY, RecordFate.DEAD_LETTER) == (RETRY, DEAD_LETTER)
    assert (Fate.RETRY, Fate.DEAD_LETTER) == (RETRY, DEAD_LETTER)
    results: list[RecordOutcome] = [
        RecordResult("m", RecordFate.CREATED, "lead-1"),
        NotifyResult("m", Fate.DONE, "new_lead#1"),
        ExportRecordResult("m", "succeeded", "exp-1"),
        RepublishResult("m", "published", "lead.accepted"),
    ]
    assert [result.log_fields() for result in results] == [
        {"lead_id": "lead-1"},
        {"key": "new_lead#1", "sent": 0},
        {"export_id": "exp-1"},
        {"detail_type": "lead.accepted"},
    ]
