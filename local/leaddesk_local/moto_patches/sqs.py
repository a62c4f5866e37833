"""SQS: no pass over every message of a queue per request."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any


# --- queues: no pass over every message per request ---------------------------------------------
def queue_bookkeeping() -> None:
    from moto.core.utils import unix_time
    from moto.sqs.models import Queue, SQSBackend

    original_send = SQSBackend.send_message
    original_receive = SQSBackend.receive_message
    attributes: Any = Queue.attributes
    messages: Any = Queue.messages
    local = threading.local()

    def send_message(self: Any, queue_name: str, *args: Any, **kwargs: Any) -> Any:
        local.sending = self.get_queue(queue_name)
        try:
            return original_send(self, queue_name, *args, **kwargs)
        finally:
            local.sending = None

    def receive_message(self: Any, queue_name: str, *args: Any, **kwargs: Any) -> Any:
        local.receiving = self.get_queue(queue_name)
        try:
            return original_receive(self, queue_name, *args, **kwargs)
        finally:
            local.receiving = None

    def quick_attributes(self: Any) -> dict[str, Any]:
        # A send reads one attribute through `attributes`, which would count every message.
        if getattr(local, "sending", None) is self:
            deduplication = bool(getattr(self, "content_based_deduplication", False))
            return {"ContentBasedDeduplication": str(deduplication).lower()}
        return dict(attributes.fget(self))

    def lazy_messages(self: Any) -> Any:
        # A receive walks `messages` from the head and stops at the tenth visible one.
        if getattr(local, "receiving", None) is self:
            return _VisibleFromTheHead(self)
        return messages.fget(self)

    def is_message_valid_based_on_retention_period(self: Any, queue_name: str, message: Any) -> bool:
        # moto computed every attribute of the queue (counting its messages) per message received.
        retention = int(self.get_queue(queue_name).message_retention_period)
        return bool(retention + message.sent_timestamp / 1000 > unix_time())

    def delete_message(self: Any, receipt_handle: str) -> None:
        from moto.sqs.exceptions import ReceiptHandleIsInvalid

        if receipt_handle in self.deleted_messages:
            return  # already deleted: SQS accepts it again
        for position, message in enumerate(self._messages):  # consumers delete near the head
            if message.had_receipt_handle(receipt_handle):
                del self._messages[position]
                self.pending_messages.discard(message)
                self.deleted_messages.update(message.all_receipt_handles)
                return
        raise ReceiptHandleIsInvalid()

    SQSBackend.send_message = send_message  # type: ignore[method-assign]
    SQSBackend.receive_message = receive_message  # type: ignore[method-assign]
    SQSBackend.is_message_valid_based_on_retention_period = is_message_valid_based_on_retention_period  # type: ignore[method-assign]
    Queue.delete_message = delete_message  # type: ignore[method-assign]
    Queue.attributes = property(quick_attributes)  # type: ignore[assignment, method-assign]
    Queue.messages = property(lazy_messages)  # type: ignore[assignment, method-assign]


class _VisibleFromTheHead:
    """The visible, undelayed messages of a queue, found while iterating from the head (moto
    moves messages to the dead-letter queue only after its walk, so the list holds still)."""

    def __init__(self, queue: Any) -> None:
        self._queue = queue

    def __iter__(self) -> Iterator[Any]:
        for message in self._queue._messages:
            if message.visible and not message.delayed:
                yield message

    def __bool__(self) -> bool:
        return any(True for _ in self)

    def __len__(self) -> int:
        return sum(1 for _ in self)
