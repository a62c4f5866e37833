"""The ingest dead-letter queue: permanently bad events land here with their reason.

Three ways into it, each told apart when listing:
- ingest rejected the event (schema violation, not JSON): message attributes `leaddesk-reason`
  and `leaddesk-field` say why;
- the ingest queue's redrive policy moved a message after `maxReceiveCount` failed receives
  (a transient failure that never cleared): no reason attribute, shown as "retries exhausted";
- the bus could not deliver to the ingest queue: EventBridge adds `ERROR_CODE`/`ERROR_MESSAGE`.

Redrive sends the original body, or a fixed one, back to the ingest queue — the body is
exactly what ingest consumes, so no bus rule can drop it and even a body that is not JSON
can be replayed after a fix — and deletes the dead letter only once that send succeeded.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from leaddesk.adapters.batching import chunked

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient

REASON = "leaddesk-reason"
FIELD = "leaddesk-field"
ORIGINAL_MESSAGE_ID = "leaddesk-message-id"
REDRIVEN_FROM = "leaddesk-redriven-from"
RETRIES_EXHAUSTED = "retries exhausted (moved here by the ingest queue's redrive policy)"


@dataclass(frozen=True)
class DeadLetter:
    message_id: str  # the dead letter's own SQS message id: what `redrive --id` names
    receipt_handle: str
    body: str
    reason: str
    field: str | None
    event_id: str | None
    detail_type: str | None
    partner_id: str | None

    def matches(self, wanted: str) -> bool:
        return wanted in (self.message_id, self.event_id)

    def summary(self) -> dict[str, str | None]:
        return {
            "id": self.message_id,
            "event_id": self.event_id,
            "detail_type": self.detail_type,
            "partner_id": self.partner_id,
            "field": self.field,
            "reason": self.reason,
        }


def _attribute(message: Mapping[str, Any], name: str) -> str | None:
    value = message.get("MessageAttributes", {}).get(name, {}).get("StringValue")
    return str(value) if value is not None else None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def describe(message: Mapping[str, Any]) -> DeadLetter:
    """What a dead letter is and why it is here, from its attributes and (when JSON) its body."""
    body = str(message.get("Body", ""))
    detail_type = event_id = partner_id = None
    try:
        envelope = json.loads(body)
    except (ValueError, RecursionError):  # not JSON, or nested past the parser's limit: still listed
        envelope = None
    if isinstance(envelope, dict):
        detail_type = _text(envelope.get("detail-type"))
        detail = envelope.get("detail")
        if isinstance(detail, dict):
            event_id = _text(detail.get("event_id"))
            partner_id = _text(detail.get("partner_id"))
    reason = _attribute(message, REASON)
    if reason is None:
        error_code = _attribute(message, "ERROR_CODE")
        if error_code is not None:
            message_text = _attribute(message, "ERROR_MESSAGE") or ""
            reason = f"the bus could not deliver it: {error_code} {message_text}"
        else:
            reason = RETRIES_EXHAUSTED
    return DeadLetter(
        message_id=str(message["MessageId"]),
        receipt_handle=str(message["ReceiptHandle"]),
        body=body,
        reason=reason.strip(),
        field=_attribute(message, FIELD),
        event_id=event_id,
        detail_type=detail_type,
        partner_id=partner_id,
    )


def _described(message: Mapping[str, Any]) -> DeadLetter:
    """`describe`, and if a message defeats it anyway, the letter with what is known: one odd
    message must never hide the rest of the queue nor stop the tooling."""
    try:
        return describe(message)
    except Exception as error:
        return DeadLetter(
            message_id=str(message["MessageId"]),
            receipt_handle=str(message["ReceiptHandle"]),
            body=str(message.get("Body", "")),
            reason=f"unreadable dead letter ({type(error).__name__}); redrive or inspect it as it is",
            field=None,
            event_id=None,
            detail_type=None,
            partner_id=None,
        )


class DeadLetterQueue:
    def __init__(self, client: SQSClient, queue_url: str) -> None:
        self._client = client
        self._url = queue_url
        self._deleted: set[str] = set()

    def send(self, body: str, reason: str, field: str, message_id: str) -> None:
        self._client.send_message(
            QueueUrl=self._url,
            MessageBody=body,
            MessageAttributes={
                REASON: {"DataType": "String", "StringValue": reason[:1000] or "unknown"},
                FIELD: {"DataType": "String", "StringValue": field or "-"},
                ORIGINAL_MESSAGE_ID: {"DataType": "String", "StringValue": message_id},
            },
        )

    @contextmanager
    def held(self, hold_seconds: int = 60) -> Iterator[list[DeadLetter]]:
        """Every dead letter, held invisible while the caller looks at them or redrives some;
        whatever is not deleted becomes visible again on exit."""
        letters: dict[str, DeadLetter] = {}
        try:
            while True:
                messages = self._client.receive_message(
                    QueueUrl=self._url,
                    MaxNumberOfMessages=10,
                    VisibilityTimeout=hold_seconds,
                    WaitTimeSeconds=0,
                    MessageAttributeNames=["All"],
                    AttributeNames=["All"],
                ).get("Messages", [])
                if not messages:
                    break
                for message in messages:
                    letters[str(message["MessageId"])] = _described(message)
            yield list(letters.values())
        finally:
            self._release(list(letters.values()))

    def _release(self, letters: list[DeadLetter]) -> None:
        letters = [letter for letter in letters if letter.message_id not in self._deleted]
        for chunk in chunked(letters, 10):
            self._client.change_message_visibility_batch(
                QueueUrl=self._url,
                Entries=[
                    {"Id": str(i), "ReceiptHandle": letter.receipt_handle, "VisibilityTimeout": 0}
                    for i, letter in enumerate(chunk)
                ],
            )

    def redrive(self, letter: DeadLetter, ingest_queue_url: str, body: str | None = None) -> str:
        """Send the letter's body (or a fixed `body`) back to the ingest queue, then delete the
        letter; returns the new message id. If the send fails, the letter stays."""
        sent = self._client.send_message(
            QueueUrl=ingest_queue_url,
            MessageBody=body if body is not None else letter.body,
            MessageAttributes={REDRIVEN_FROM: {"DataType": "String", "StringValue": letter.message_id}},
        )
        self._client.delete_message(QueueUrl=self._url, ReceiptHandle=letter.receipt_handle)
        self._deleted.add(letter.message_id)
        return str(sent["MessageId"])
