"""The export queue: a job to start, or the continuation of an attempt, one message each."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient


class ExportQueue:
    def __init__(self, client: SQSClient, queue_url: str) -> None:
        self._client = client
        self._url = queue_url

    def send(self, message: str) -> None:
        self._client.send_message(QueueUrl=self._url, MessageBody=message)
