"""The SQS event source of a function: poll, invoke with Lambda's batch event, honour partial failures.

Messages the handler reports in `batchItemFailures` (or every message, when it raises) come
back after `retry_delay` seconds instead of the queue's visibility timeout; moto's redrive
policy moves them to the dead-letter queue after `maxReceiveCount` receives, as SQS would.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from leaddesk_local.lambda_events import sqs_record
from leaddesk_local.provision import client

# event → the function's answer; raises when the function does.
Invoke = Callable[[dict[str, Any]], Any]


@dataclass
class SqsEventSource:
    function: str  # logical id, for messages
    invoke: Invoke
    queue_url: str
    queue_arn: str
    batch_size: int
    reports_failures: bool
    endpoint_url: str
    retry_delay: int
    log: Callable[[str], None]

    def run(self, stop: threading.Event) -> None:
        sqs = client("sqs", self.endpoint_url)
        while not stop.is_set():
            try:
                messages = sqs.receive_message(
                    QueueUrl=self.queue_url,
                    MaxNumberOfMessages=self.batch_size,
                    WaitTimeSeconds=1,
                    AttributeNames=["All"],
                    MessageAttributeNames=["All"],
                ).get("Messages", [])
            except Exception as error:
                if not stop.is_set():
                    self.log(f"{self.function}: receive failed: {error}")
                    time.sleep(0.5)
                continue
            if messages:
                self.deliver(sqs, messages)

    def deliver(self, sqs: Any, messages: list[dict[str, Any]]) -> None:
        event = {"Records": [sqs_record(message, self.queue_arn) for message in messages]}
        failed: set[str]
        try:
            answer = self.invoke(event) or {}
            failed = (
                {item["itemIdentifier"] for item in answer.get("batchItemFailures", [])}
                if self.reports_failures
                else set()
            )
        except Exception as error:
            self.log(f"{self.function} raised {type(error).__name__}: {error}; the batch will be retried")
            failed = {message["MessageId"] for message in messages}
        done = [m for m in messages if m["MessageId"] not in failed]
        retry = [m for m in messages if m["MessageId"] in failed]
        if done:
            sqs.delete_message_batch(
                QueueUrl=self.queue_url,
                Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)],
            )
        if retry:
            sqs.change_message_visibility_batch(
                QueueUrl=self.queue_url,
                Entries=[
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"], "VisibilityTimeout": self.retry_delay}
                    for i, m in enumerate(retry)
                ],
            )
