"""SES's feedback about LeadDesk's emails: hard bounces and complaints suppress the address.

For each message of the feedback queue (SES → SNS → SQS): parse it (`leaddesk.domain.feedback`;
what can never be used is a `dead_letter`, which the queue consumer sends to the feedback
dead-letter queue with its reason and field), then for each
address it names write, in one transaction, the partner's suppression and the action-center
item that says so. Feedback delivered twice finds the suppression (or its item) there and adds
nothing. A soft bounce changes nothing. A record is reported failed (SQS delivers it again) only
when a write failed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from leaddesk.adapters.metrics import OperatorMetrics
from leaddesk.adapters.notify_store import NotifyStore
from leaddesk.domain.action_center import suppression_item
from leaddesk.domain.deliveries import SettleOutcome, address_tag
from leaddesk.domain.feedback import FeedbackKind, FeedbackRejected, Suppression, parse_feedback
from leaddesk.services.records import DEAD_LETTER, RETRY, QueuedRecord

logger = logging.getLogger(__name__)


class FeedbackFate(StrEnum):
    SUPPRESSED = "suppressed"  # at least one address suppressed now
    NOTHING = "nothing"  # a soft bounce, or every address suppressed already
    DEAD_LETTER = DEAD_LETTER
    RETRY = RETRY


@dataclass(frozen=True)
class FeedbackResult:
    message_id: str
    fate: FeedbackFate
    reason: str | None = None
    suppressed: int = 0
    field: str | None = None  # dead letters: the offending field

    def log_fields(self) -> dict[str, object]:
        return {"suppressed": self.suppressed}


class FeedbackService:
    def __init__(self, store: NotifyStore, clock: Callable[[], datetime], metrics: OperatorMetrics) -> None:
        self._store = store
        self._clock = clock
        self._metrics = metrics

    def handle(self, records: Sequence[QueuedRecord]) -> list[FeedbackResult]:
        return [self._one(record) for record in records]

    def _one(self, record: QueuedRecord) -> FeedbackResult:
        try:
            feedback = parse_feedback(record.body)
        except FeedbackRejected as error:
            return FeedbackResult(
                record.message_id, FeedbackFate.DEAD_LETTER, error.reason, field=error.field
            )
        suppressed = 0
        try:
            for suppression in feedback.suppressions():
                suppressed += self._suppress(feedback.partner_id, suppression)
        except Exception as error:  # what was written stays; the rest is written on redelivery
            logger.warning("feedback not recorded yet (%s); it comes back", type(error).__name__)
            return FeedbackResult(record.message_id, FeedbackFate.RETRY, type(error).__name__, suppressed)
        self._metrics.count("AddressesSuppressed", suppressed)
        fate = FeedbackFate.SUPPRESSED if suppressed else FeedbackFate.NOTHING
        why = None if suppressed or feedback.kind else "a soft bounce suppresses nothing"
        return FeedbackResult(record.message_id, fate, why, suppressed)

    def _suppress(self, partner_id: str, suppression: Suppression) -> bool:
        """Whether the address was suppressed now (False: this feedback, or another, did before)."""
        complaint = suppression.kind is FeedbackKind.COMPLAINT
        tag = address_tag(suppression.address)
        item = suppression_item(suppression.address, tag, complaint, suppression.at, suppression.feedback_id)
        read_at: datetime | None = None
        for _ in range(3):
            outcome = self._store.suppress(partner_id, suppression, item, read_at)
            if outcome is SettleOutcome.SETTLED:
                return True
            if outcome in (SettleOutcome.SETTLED_BEFORE, SettleOutcome.ITEM_EXISTS):
                return False  # suppressed already, or this very feedback was handled (and cleared since)
            read_at = self._clock()  # older than the feed's watermark: it joins the feed as read
        raise RuntimeError(f"could not suppress an address for partner {partner_id}")
