"""The ingest dead-letter queue: permanently bad events land here with their reason."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient

REASON = "leaddesk-reason"
FIELD = "leaddesk-field"
ORIGINAL_MESSAGE_ID = "leaddesk-message-id"


class DeadLetterQueue:
    def __init__(self, client: SQSClient, queue_url: str) -> None:
        self._client = client
        self._url = queue_url

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
