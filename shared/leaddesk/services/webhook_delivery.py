"""CRM push, the delivery side: the dispatcher that turns lead events into deliveries, the
deliverer that makes each attempt, and the sweep that queues retries due beyond a queue delay.

A delivery is one message to one endpoint. The dispatcher records it (`pending`) and queues its
first attempt; each attempt reads it, signs its body with the endpoint's current secrets and
POSTs it, then records the result — `delivered` only on a 2xx — with the next attempt queued
(delayed up to 15 minutes by SQS) or put in the due index for the sweep. An attempt queued twice
is made once: each queued attempt names the attempt count it expects, and the result is written
only if that count still holds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from aws_lambda_powertools import Logger
from pydantic import ValidationError

from leaddesk.domain.contract import Envelope, UnknownEvent, parse_detail
from leaddesk.domain.errors import LeadNotFound
from leaddesk.domain.models import Lead
from leaddesk.domain.problems import first_problem
from leaddesk.domain.signing import signature_headers
from leaddesk.domain.views import present
from leaddesk.domain.webhook_messages import (
    MAX_BODY_BYTES,
    LeadMessage,
    change_time,
    encode_body,
    message_id,
    webhook_event_of,
)
from leaddesk.domain.webhooks import (
    DISABLE_AFTER,
    AttemptOrder,
    AttemptResult,
    Delivery,
    DeliveryStatus,
    Endpoint,
    after_attempt,
    disabled_event,
    signing_secrets,
)
from leaddesk.services.records import DEAD_LETTER, RETRY, QueuedRecord

if TYPE_CHECKING:
    from leaddesk.adapters.bus import EventPublisher
    from leaddesk.adapters.webhook_queue import AttemptQueue
    from leaddesk.adapters.webhook_secrets import SecretVault
    from leaddesk.adapters.webhook_store import WebhookStore

logger = Logger(child=True)
Clock = Callable[[], datetime]
QUEUE_DELAY_LIMIT = timedelta(seconds=900)


class Leads(Protocol):
    def get_lead(self, partner_id: str, lead_id: str) -> Lead | None: ...


class Sender(Protocol):
    def post(self, url: str, headers: dict[str, str], body: bytes, now: datetime) -> AttemptResult: ...


class Disabled(Protocol):
    """Told when LeadDesk disables an endpoint after days of failures (action center, email)."""

    def endpoint_disabled(self, endpoint: Endpoint, now: datetime) -> None: ...


def _waits_in_due_index(delivery: Delivery) -> bool:
    """Whether the delivery's next attempt waits longer than a queue delay can (the sweep queues it)."""
    return (
        delivery.next_attempt_at is not None
        and delivery.last_attempt_at is not None
        and delivery.next_attempt_at - delivery.last_attempt_at > QUEUE_DELAY_LIMIT
    )


def queue_attempt(queue: AttemptQueue, delivery: Delivery, now: datetime) -> None:
    """Queue the delivery's next attempt: now, after a queue delay, or (later than a queue delay
    can wait) leave it to the sweep, which finds it in the due index."""
    order = AttemptOrder(
        partner_id=delivery.partner_id,
        endpoint_id=delivery.endpoint_id,
        delivery_id=delivery.id,
        attempts=delivery.attempts,
    )
    wait = (delivery.next_attempt_at - now) if delivery.next_attempt_at else timedelta(0)
    queue.send(order, max(0, int(wait.total_seconds() + 0.999)))


# --- queue-fed services: what became of a record ------------------------------------------------------
DISPATCHED = "dispatched"
ATTEMPTED = "attempted"
SKIPPED = "skipped"


@dataclass(frozen=True)
class WebhookRecordResult:
    message_id: str
    fate: str
    reason: str | None = None
    field: str | None = None
    detail: str | None = None

    def log_fields(self) -> dict[str, object]:
        return {"detail": self.detail} if self.detail else {}


# --- the dispatcher ------------------------------------------------------------------------------------
class WebhookDispatcher:
    """LeadDesk events (EventBridge envelopes from the webhook queue) → one delivery per endpoint."""

    def __init__(
        self, store: WebhookStore, leads: Leads, queue: AttemptQueue, clock: Clock, expiry_days: int
    ) -> None:
        self._store = store
        self._leads = leads
        self._queue = queue
        self._clock = clock
        self._expiry_days = expiry_days

    def handle(self, records: Sequence[QueuedRecord]) -> list[WebhookRecordResult]:
        results = []
        endpoints: dict[str, list[Endpoint]] = {}  # a partner's endpoints, read once per batch
        for record in records:
            try:
                results.append(self._dispatch(record, endpoints))
            except (ValueError, UnknownEvent) as error:
                where, problem = (
                    first_problem(error) if isinstance(error, ValidationError) else ("body", str(error))
                )
                results.append(WebhookRecordResult(record.message_id, DEAD_LETTER, problem, where))
            except Exception as error:  # a passing fault: SQS delivers it again
                logger.warning("webhook dispatch failed; retried", extra={"error": repr(error)[:300]})
                results.append(WebhookRecordResult(record.message_id, RETRY, type(error).__name__))
        return results

    def _dispatch(self, record: QueuedRecord, known: dict[str, list[Endpoint]]) -> WebhookRecordResult:
        envelope = Envelope.model_validate_json(record.body)
        detail = parse_detail(envelope.detail_type, envelope.detail)
        event = webhook_event_of(detail)
        lead_id = getattr(detail, "lead_id", None)
        if event is None or lead_id is None:
            return WebhookRecordResult(record.message_id, SKIPPED, detail=envelope.detail_type)
        if detail.partner_id not in known:
            known[detail.partner_id] = self._store.endpoints(detail.partner_id)
        endpoints = [e for e in known[detail.partner_id] if e.wants(event)]
        if not endpoints:
            return WebhookRecordResult(record.message_id, SKIPPED, detail=f"{event}: no endpoint")
        lead = self._leads.get_lead(detail.partner_id, lead_id)
        if lead is None:
            raise LeadNotFound(lead_id)  # not yet readable: try again
        now = self._clock()
        at = change_time(lead, detail) or envelope.time or now
        message = LeadMessage(type=event.value, timestamp=at, data=present(lead, self._expiry_days))
        body = encode_body(message)
        if len(body.encode()) > MAX_BODY_BYTES:
            body = _trimmed(message)
        version = getattr(detail, "version", 0)
        identifier = message_id(at, f"{detail.partner_id}/{lead_id}/{envelope.detail_type}/{version}")
        for endpoint in endpoints:
            delivery = Delivery(
                partner_id=detail.partner_id,
                endpoint_id=endpoint.id,
                id=identifier,
                message_id=identifier,
                event_type=event,
                created_at=now,
                next_attempt_at=now,
                body=body,
            )
            self._store.add_delivery(delivery)  # False: a redelivered event; its attempt is queued again
            queue_attempt(self._queue, delivery, now)
        return WebhookRecordResult(record.message_id, DISPATCHED, detail=f"{event} x{len(endpoints)}")


def _trimmed(message: LeadMessage) -> str:
    """A body over 20 KB keeps the lead and its latest history entries (the rest is in the API)."""
    history = message.data.history
    while history and len(encode_body(message).encode()) > MAX_BODY_BYTES:
        history = history[len(history) // 2 + 1 :] if len(history) > 1 else []
        message = message.model_copy(update={"data": message.data.model_copy(update={"history": history})})
    return encode_body(message)


# --- the deliverer ------------------------------------------------------------------------------------
class WebhookDeliverer:
    def __init__(
        self,
        store: WebhookStore,
        vault: SecretVault,
        sender: Sender,
        queue: AttemptQueue,
        clock: Clock,
        disabled: Disabled | None = None,
    ) -> None:
        self._store = store
        self._vault = vault
        self._sender = sender
        self._queue = queue
        self._clock = clock
        self._disabled = disabled

    def handle(self, records: Sequence[QueuedRecord]) -> list[WebhookRecordResult]:
        results = []
        for record in records:
            try:
                order = AttemptOrder.model_validate_json(record.body)
            except ValidationError as error:
                where, problem = first_problem(error)
                results.append(WebhookRecordResult(record.message_id, DEAD_LETTER, problem, where))
                continue
            try:
                results.append(
                    WebhookRecordResult(record.message_id, *self.attempt(order, record.receive_count > 1))
                )
            except Exception as error:  # a passing fault: SQS delivers it again
                logger.warning("webhook attempt failed; retried", extra={"error": repr(error)[:300]})
                results.append(WebhookRecordResult(record.message_id, RETRY, type(error).__name__))
        return results

    def attempt(self, order: AttemptOrder, redelivered: bool = False) -> tuple[str, None, None, str]:
        """Make the attempt the order names, unless it was overtaken; (fate, -, -, what happened).
        `redelivered`: SQS delivers the order again, after an invocation that failed."""
        delivery = self._store.delivery(order.partner_id, order.endpoint_id, order.delivery_id)
        now = self._clock()
        if (
            redelivered
            and delivery is not None
            and delivery.status is DeliveryStatus.PENDING
            and delivery.attempts == order.attempts + 1
            and not _waits_in_due_index(delivery)
        ):
            # The failed invocation recorded this order's attempt and may have died before it
            # queued the next one (found by the fault-injection suite: a delivery left pending).
            # Queued again: an order queued twice is made once.
            queue_attempt(self._queue, delivery, now)
            return SKIPPED, None, None, "recorded before; its next attempt queued again"
        if (
            delivery is None
            or delivery.status is not DeliveryStatus.PENDING
            or delivery.attempts != order.attempts
        ):
            return SKIPPED, None, None, "overtaken"
        found = self._store.endpoint(order.partner_id, order.endpoint_id)
        if found is None or not found[0].enabled:
            result = AttemptResult(error="endpoint deleted" if found is None else "endpoint disabled")
            after = after_attempt(delivery, result, now).model_copy(
                update={"status": DeliveryStatus.FAILED, "next_attempt_at": None}
            )
            self._store.record_attempt(delivery, after, None)
            return ATTEMPTED, None, None, after.last_error or ""
        endpoint, stored = found
        secrets = [
            self._vault.open(s.ciphertext, endpoint.partner_id, endpoint.id)
            for s in sorted(signing_secrets(stored, now), key=lambda s: s.created_at, reverse=True)
        ]
        headers = signature_headers(delivery.message_id, now, delivery.body, secrets)
        result = self._sender.post(endpoint.url, headers, delivery.body.encode(), now)
        done = self._clock()
        after = after_attempt(delivery, result, done)
        later = after.next_attempt_at if _waits_in_due_index(after) else None
        if not self._store.record_attempt(delivery, after, later):
            return SKIPPED, None, None, "another attempt was recorded first"
        if after.status is DeliveryStatus.PENDING and later is None:
            queue_attempt(self._queue, after, done)
        self._endpoint_health(endpoint, result, done)
        return ATTEMPTED, None, None, f"{after.status} {result.status_code or result.error}"

    def _endpoint_health(self, endpoint: Endpoint, result: AttemptResult, now: datetime) -> None:
        if result.delivered:
            if endpoint.failing_since is not None:
                self._store.save_endpoint(endpoint.model_copy(update={"failing_since": None}))
            return
        if result.gone:
            self._disable(endpoint, "gone", now)
            return
        if endpoint.failing_since is None:
            self._store.save_endpoint(endpoint.model_copy(update={"failing_since": now}))
        elif now - endpoint.failing_since >= DISABLE_AFTER:
            self._disable(endpoint, "failing", now)

    def _disable(self, endpoint: Endpoint, reason: str, now: datetime) -> None:
        if not endpoint.enabled:
            return
        disabled = endpoint.model_copy(
            update={"enabled": False, "disabled_reason": reason, "updated_at": now}
        )
        # Told first, then saved: a failure in between tells twice (the notifier's claim keeps it to
        # one email and one item per endpoint and failure period), never not at all.
        if reason == "failing" and self._disabled is not None:
            self._disabled.endpoint_disabled(disabled, now)
        self._store.save_endpoint(disabled)
        logger.warning("webhook endpoint disabled", extra={"endpoint_id": endpoint.id, "why": reason})


class DisabledOnTheBus:
    """Tells of a disabled endpoint with a `webhook.disabled` event (the notifier emails the
    referral admins and adds the action-center item); raises if the bus refused it, so the
    attempt is retried and the endpoint is not disabled untold."""

    def __init__(self, publisher: EventPublisher) -> None:
        self._publisher = publisher

    def endpoint_disabled(self, endpoint: Endpoint, now: datetime) -> None:
        if self._publisher.publish([disabled_event(endpoint, now)]):
            raise RuntimeError("the bus refused webhook.disabled")


# --- the retry sweep ------------------------------------------------------------------------------------
class WebhookRetrySweep:
    """Queues the retries whose time has come and that waited longer than a queue delay allows."""

    def __init__(self, store: WebhookStore, queue: AttemptQueue, limit: int = 500) -> None:
        self._store = store
        self._queue = queue
        self._limit = limit

    def run(self, now: datetime) -> int:
        queued = 0
        for partner_id, endpoint_id, delivery_id in self._store.due(now, self._limit):
            delivery = self._store.delivery(partner_id, endpoint_id, delivery_id)
            if delivery is None or delivery.status is not DeliveryStatus.PENDING:
                continue
            queue_attempt(self._queue, delivery, now)
            self._store.leave_due_index(partner_id, endpoint_id, delivery_id, delivery.attempts)
            queued += 1
        return queued
