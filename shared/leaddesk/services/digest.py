"""The daily digest: each partner's leads past the day's first ten, in one email per recipient.

A run at `at` sends every digest still owed for a day before `at`'s UTC day (normally the day
before; a day a failed run missed is caught up by the next). For each owed day it first marks the
digest as started — from then on a late lead of that day is emailed on its own instead of
joining it — then reads everything its emails need (the partner's settings, the suppressed
recipients, each recipient's entries), and only then claims one delivery per recipient
(`sending`, conditional: a concurrent run or a second run for the same day finds it taken and
sends nothing), sends, records the outcomes, and takes the day out of the `DigestsDue` index
once nothing is left to send. A run that fails in its reads has claimed nothing: the next run
(Lambda's retry, or the next day's) sends those digests, once. A partner day whose digest
failed does not stop the run: the other partners' digests are sent, then the run reports the
failure (`errors`) and Lambda retries it.

An email lists at most `DIGEST_MAX_LISTED` leads (mail clients cut long messages) and counts
the rest, with a link to the workspace: a run reads about one item per lead it lists.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from leaddesk.adapters.metrics import OperatorMetrics
from leaddesk.adapters.notify_store import NotifyStore
from leaddesk.domain.deliveries import Delivery, DeliveryState, OwedDigest
from leaddesk.domain.emails import DIGEST_MAX_LISTED, EmailRenderer
from leaddesk.domain.notices import trace_headers
from leaddesk.services.deliveries import Deliverer, Outgoing, Suppressed, claimed_state

logger = logging.getLogger(__name__)
WHY = "digest"


@dataclass
class DigestReport:
    at: datetime
    days: int = 0  # partner days owing a digest
    sent: int = 0
    failed: int = 0
    pending: int = 0  # emails still to send (throttled, or another run has them)
    errors: int = 0  # partner days whose digest failed in this run (the run is retried)
    listed: int = 0  # leads listed in the emails sent
    collected: int = 0  # leads those emails stand for
    partners: list[str] = field(default_factory=list)


class DigestService:
    def __init__(
        self,
        store: NotifyStore,
        deliverer: Deliverer,
        renderer: EmailRenderer,
        clock: Callable[[], datetime],
        metrics: OperatorMetrics,
        lease: timedelta,
    ) -> None:
        self._store = store
        self._deliverer = deliverer
        self._renderer = renderer
        self._clock = clock
        self._metrics = metrics
        self._lease = lease

    def run(self, at: datetime) -> DigestReport:
        report = DigestReport(at=at)
        failed: list[OwedDigest] = []
        for owed in self._store.digests_owed(at.astimezone(UTC).date()):
            report.days += 1
            try:
                self._send(owed, report)
            except Exception as error:  # one partner's failure does not keep the others' digests back
                logger.warning("a partner's digest failed; the run goes on: %s", type(error).__name__)
                failed.append(owed)
        for owed in failed:  # once more, after the others: most failures are a throttled moment
            try:
                self._send(owed, report)
            except Exception as error:
                logger.warning(
                    "a partner's digest failed again; the run is retried: %s", type(error).__name__
                )
                report.errors += 1
        self._metrics.count("DigestsSent", report.sent)
        return report

    def _send(self, owed: OwedDigest, report: DigestReport) -> None:
        now = self._clock()
        counts = self._store.start_digest(owed, now)
        if counts is None:
            return  # another run finished it meanwhile
        # Read first: a read failing after the claims would leave them `sending`, which the next
        # run could only report unconfirmed — digests never handed to SES.
        settings = self._store.settings(owed.partner_id)
        suppressed = self._deliverer.suppressed_before((owed.partner_id, address) for address in counts)
        entries = {
            address: self._store.digest_entries(owed, address, DIGEST_MAX_LISTED) for address in counts
        }
        claimed, pending = self._claim(owed, list(counts), now, suppressed)
        outgoing = []
        for delivery in claimed:
            cards = [self._renderer.card(lead, settings.language) for lead in entries[delivery.address]]
            email = self._renderer.digest(owed.day, cards, counts[delivery.address], settings.language)
            headers = trace_headers(delivery.why, owed.partner_id, owed.key, email.kind.value)
            outgoing.append(Outgoing(delivery, email, headers))
            report.listed += len(cards)
            report.collected += counts[delivery.address]
        outcomes = self._deliverer.send_all(outgoing, suppressed)
        report.sent += sum(1 for o in outcomes if o.delivery.state is DeliveryState.SENT)
        report.failed += sum(1 for o in outcomes if o.delivery.state is DeliveryState.FAILED)
        pending += sum(1 for o in outcomes if not o.settled)
        report.pending += pending
        if not pending:
            self._store.finish_digest(owed, self._clock())
            report.partners.append(owed.partner_id)

    def _claim(
        self, owed: OwedDigest, addresses: list[str], now: datetime, suppressed: Suppressed
    ) -> tuple[list[Delivery], int]:
        """The deliveries this run sends (claimed `sending` now), and how many another run holds."""
        fresh = [
            Delivery(
                owed.partner_id,
                owed.key,
                address,
                WHY,
                claimed_state(owed.partner_id, address, suppressed),
                now,
            )
            for address in addresses
        ]
        claims = self._store.claim_deliveries(fresh)
        claimed, pending = list(claims.claimed), 0
        # Claimed before: by a second run, or an interrupted one.
        for earlier in claims.earlier:
            if earlier.state is DeliveryState.DEFERRED:
                if self._store.reclaim(earlier):
                    claimed.append(replace(earlier, state=DeliveryState.SENDING, at=now))
            elif earlier.state is DeliveryState.SENDING and now - earlier.at < self._lease:
                pending += 1
            elif earlier.state is DeliveryState.SENDING:
                lost = replace(earlier, state=DeliveryState.UNCONFIRMED, at=now)
                self._deliverer.report([(lost, None)], unconfirmed=True)  # with its action-center item
        return claimed, pending
