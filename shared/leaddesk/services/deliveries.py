"""Sending claimed emails, and what each outcome leaves behind.

A delivery is claimed (`sending`) before its email goes out; here it is sent and its outcome
recorded: `sent`; `failed` for a permanent refusal, written in one transaction with the
action-center item that says so (never one without the other);
`deferred` when SES throttled every try (nothing went out: the SQS record is retried);
`suppressed`, not sent, when the address bounced for good or complained for the partner. The
caller reads the batch's suppressions (`suppressed_before`) before it claims any delivery and
hands them to `send_all`, which reads nothing between the claims and the sends: a failed read
fails before anything is `sending`, and the event (or the digest run) comes back with nothing
claimed — a claimed delivery is handed to SES or settled, never left looking possibly sent
because a read failed. Each settled outcome of an email about a lead is also written beside the
lead, for its history (never in the lead: its version does not change). When SES did not answer
at all, answered with a server error, or the send failed in any other way, the record stays
`sending`, and the lease rule decides on redelivery: a `sending` record older than the lease is
never sent again (`unconfirmed`, with an action-center item) — every notification
is sent at most once. One email's failure never costs the others of the batch their outcome:
each is recorded as it came out.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime

from leaddesk.adapters.mailer import SendStatus, SendUncertain, SesMailer
from leaddesk.adapters.metrics import OperatorMetrics
from leaddesk.adapters.notify_store import NotifyStore
from leaddesk.domain.action_center import ActionItem, delivery_item
from leaddesk.domain.deliveries import LOGGED_STATES, Delivery, DeliveryState, LeadMail, SettleOutcome
from leaddesk.domain.emails import Email
from leaddesk.domain.feedback import send_tags
from leaddesk.domain.models import Lead
from leaddesk.domain.notices import address_tag

logger = logging.getLogger(__name__)
SENDERS = 10  # emails of a batch in flight at once
Suppressed = frozenset[tuple[str, str]]  # (partner id, lower-case address)


def claimed_state(partner_id: str, address: str, suppressed: Suppressed) -> DeliveryState:
    """The state a new delivery is claimed in: `suppressed` at once for an address already known
    suppressed (final with the claim itself: a later failure can't leave it `sending` and then
    `unconfirmed`, though nothing was ever handed to SES), else `sending`."""
    return DeliveryState.SUPPRESSED if (partner_id, address.lower()) in suppressed else DeliveryState.SENDING


@dataclass(frozen=True)
class Outgoing:
    """One claimed delivery and the email it carries."""

    delivery: Delivery
    email: Email
    headers: dict[str, str]
    lead: Lead | None = None


@dataclass(frozen=True)
class SendResult:
    outgoing: Outgoing
    delivery: Delivery  # as recorded
    settled: bool  # False: the SQS record must come back (deferred, or SES did not answer)


class Deliverer:
    def __init__(
        self,
        store: NotifyStore,
        mailer: SesMailer,
        clock: Callable[[], datetime],
        metrics: OperatorMetrics,
    ) -> None:
        self._store = store
        self._mailer = mailer
        self._clock = clock
        self._metrics = metrics
        self._pool: ThreadPoolExecutor | None = None

    def suppressed_before(self, addresses: Iterable[tuple[str, str]]) -> Suppressed:
        """The suppressed ones of (partner id, address) a batch may send to, read before any of
        its deliveries is claimed (one consistent BatchGetItem; lower-case addresses)."""
        return frozenset(self._store.suppressed(addresses))

    def send_all(self, outgoing: Sequence[Outgoing], suppressed: Suppressed) -> list[SendResult]:
        """Send every claimed email (several at once) unless its address is among `suppressed`
        (read before the claims), then record all outcomes. Nothing is read between the claims
        and the sends."""
        if not outgoing:
            return []
        now = self._clock()
        held = [o for o in outgoing if (o.delivery.partner_id, o.delivery.address.lower()) in suppressed]
        to_send = [o for o in outgoing if o not in held]
        outcomes = [
            SendResult(o, replace(o.delivery, state=DeliveryState.SUPPRESSED, at=now), settled=True)
            for o in held
        ]
        if len(to_send) == 1:
            outcomes.append(self._send(to_send[0]))
        elif to_send:
            outcomes += list(self._senders().map(self._send, to_send))
        settled = (DeliveryState.SENT, DeliveryState.DEFERRED, DeliveryState.SUPPRESSED)
        done = [o for o in outcomes if o.delivery.state in settled]  # failures are settled with their item
        self._store.record(
            (o.delivery for o in done), _lead_mails((o.delivery, o.outgoing.lead) for o in done)
        )
        failures = [o for o in outcomes if o.delivery.state is DeliveryState.FAILED]
        self.report([(o.delivery, o.outgoing.lead) for o in failures], unconfirmed=False)
        for state in (
            DeliveryState.SENT,
            DeliveryState.FAILED,
            DeliveryState.DEFERRED,
            DeliveryState.SUPPRESSED,
        ):
            count = sum(1 for o in outcomes if o.delivery.state is state)
            self._metrics.count(f"Emails{state.value.capitalize()}", count)
        return outcomes

    def _senders(self) -> ThreadPoolExecutor:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=SENDERS, thread_name_prefix="notify-send")
        return self._pool

    def _send(self, outgoing: Outgoing) -> SendResult:
        delivery = outgoing.delivery
        try:
            result = self._mailer.send(
                delivery.address,
                outgoing.email,
                self._clock(),
                outgoing.headers,
                send_tags(delivery.partner_id),
            )
        except SendUncertain as error:
            logger.warning("SES did not answer; the delivery stays `sending`: %s", error)
            return SendResult(outgoing, delivery, settled=False)
        except Exception as error:  # whatever it was, the batch's other outcomes are still recorded
            logger.warning("the send failed (%s); the delivery stays `sending`", type(error).__name__)
            return SendResult(outgoing, delivery, settled=False)
        now = self._clock()
        if result.status is SendStatus.SENT:
            sent = replace(delivery, state=DeliveryState.SENT, at=now, message_id=result.message_id)
            return SendResult(outgoing, sent, settled=True)
        if result.status is SendStatus.REJECTED:
            logger.warning(
                "email refused for good", extra={"key": delivery.notice_key, "reason": result.reason}
            )
            failed = replace(delivery, state=DeliveryState.FAILED, at=now, reason=result.reason)
            return SendResult(outgoing, failed, settled=True)
        deferred = replace(delivery, state=DeliveryState.DEFERRED, at=now, reason=result.reason)
        return SendResult(outgoing, deferred, settled=False)

    def report(self, problems: Sequence[tuple[Delivery, Lead | None]], unconfirmed: bool) -> None:
        """Settle each failed (or unconfirmed) delivery, still `sending`, together with its
        action-center item, in one transaction each: a delivery is never `failed` or
        `unconfirmed` without the item that says so, and a redelivery of the event, which finds
        the delivery settled, adds none."""
        if not problems:
            return
        for delivery, lead in problems:
            item = delivery_item(
                unconfirmed,
                delivery.notice_key,
                delivery.address,
                address_tag(delivery.address),
                delivery.at,
                delivery.reason,
                lead,
            )
            mails = _lead_mails([(delivery, lead)])
            self._settle(delivery, item, mails[0] if mails else None)
        self._metrics.count("EmailsUnconfirmed" if unconfirmed else "FailuresReported", len(problems))

    def _settle(self, delivery: Delivery, item: ActionItem, mail: LeadMail | None) -> None:
        read_at, with_item = None, True
        for _ in range(3):
            outcome = self._store.settle(delivery, item if with_item else None, read_at, mail)
            if outcome in (SettleOutcome.SETTLED, SettleOutcome.SETTLED_BEFORE):
                return  # settled now, or already by another delivery of the event (with its item)
            if outcome is SettleOutcome.ITEM_EXISTS:
                with_item = False  # the item is there already
            else:
                read_at = self._clock()  # older than the feed's watermark: it joins the feed as read
        raise RuntimeError(f"could not settle the delivery of {delivery.notice_key}")


def _lead_mails(outcomes: Iterable[tuple[Delivery, Lead | None]]) -> list[LeadMail]:
    """The leads' emails among settled deliveries (exports and digests belong to no one lead)."""
    return [
        LeadMail.of(delivery, lead.lead_id)
        for delivery, lead in outcomes
        if lead is not None and delivery.state in LOGGED_STATES
    ]
