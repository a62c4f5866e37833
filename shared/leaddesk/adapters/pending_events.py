"""Events the bus refused after retries, parked on a queue until the republish function sends them.

A lifecycle change is already stored when its event is published; if EventBridge still
refuses the entry after the publisher's retries, dropping it would leave consumers (notify,
CRM sync) silently behind. Parking it on SQS keeps it, and the queue's own retries and
dead-letter queue take over from there.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict

from leaddesk.adapters.batching import chunked
from leaddesk.domain.contract import parse_detail
from leaddesk.domain.events import OutboundEvent

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_sqs.type_defs import SendMessageBatchRequestEntryTypeDef

SEND_BATCH_LIMIT = 10  # SendMessageBatch's limit


class ParkedEvent(BaseModel):
    """A parked event's message body: the detail as the contract serialises it, and its type."""

    model_config = ConfigDict(extra="ignore")

    detail_type: str
    detail: dict[str, Any]
    key: str | None = None


def event_to_body(event: OutboundEvent) -> str:
    detail = event.detail.model_dump(mode="json")
    return ParkedEvent(detail_type=event.detail_type, detail=detail, key=event.key).model_dump_json()


def body_to_event(body: str, key: str) -> OutboundEvent:
    """The parked event, read with its contract model; `key` becomes the SQS message id so
    failures map back to records. Raises ValidationError or UnknownEvent for a body that is none."""
    parked = ParkedEvent.model_validate_json(body)
    return OutboundEvent(parse_detail(parked.detail_type, parked.detail), key)


class PendingEvents:
    def __init__(self, client: SQSClient, queue_url: str) -> None:
        self._client = client
        self._url = queue_url

    def park(self, events: Sequence[OutboundEvent], attempts: int = 3) -> list[OutboundEvent]:
        """Queue the events; returns those that could not be queued either (never raises: the
        changes are stored, and what cannot be parked is reported, not thrown at the caller)."""
        lost: list[OutboundEvent] = []
        for chunk in chunked(events, SEND_BATCH_LIMIT):
            pending = list(chunk)
            for attempt in range(attempts):
                try:
                    entries: list[SendMessageBatchRequestEntryTypeDef] = [
                        {"Id": str(n), "MessageBody": event_to_body(e)} for n, e in enumerate(pending)
                    ]
                    answer = self._client.send_message_batch(QueueUrl=self._url, Entries=entries)
                except Exception:
                    time.sleep(0.05 * 2**attempt)
                    continue
                pending = [pending[int(failure["Id"])] for failure in answer.get("Failed", [])]
                if not pending:
                    break
            lost.extend(pending)
        return lost
