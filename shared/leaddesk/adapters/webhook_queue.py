"""The webhook attempt queue: one message per attempt to make, delayed up to SQS's 15 minutes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from leaddesk.domain.webhooks import AttemptOrder

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient

MAX_DELAY_SECONDS = 900


class AttemptQueue:
    def __init__(self, client: SQSClient, queue_url: str) -> None:
        self._client = client
        self._url = queue_url

    def send(self, order: AttemptOrder, delay_seconds: int = 0) -> None:
        self._client.send_message(
            QueueUrl=self._url,
            MessageBody=order.model_dump_json(),
            DelaySeconds=max(0, min(delay_seconds, MAX_DELAY_SECONDS)),
        )
