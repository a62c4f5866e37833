"""The notifier's store: the façade the notify and digest services use over the single table.

The services speak in deliveries, claims and owed digests (`leaddesk.domain.deliveries`); the
work is split by job in `leaddesk.adapters.dynamo` — `notify_items` (key layout),
`notify_deliveries`, `notify_actions` (action items, the feed, the settings), `notify_digests`
(day counts, digest entries) and `notify_batch` (batched reads and writes, tagged transactions).

Writes that must happen together — a notice's claim (its action item, or its deliveries in
state `sending`), the feed's unread count, digest entries and the day's "digest owed" mark — go
in one `TransactWriteItems` per batch; when it is cancelled, the failed conditions are told apart
here and answered as a `ClaimResult`. Outcomes of sends are recorded with BatchWriteItem.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING

from leaddesk.adapters.dynamo.items import item_to_lead
from leaddesk.adapters.dynamo.keys import lead_key
from leaddesk.adapters.dynamo.lead_mails import lead_mail_item, put_lead_mail
from leaddesk.adapters.dynamo.notify_actions import (
    add_unread,
    mode_of,
    put_action,
    resolve_action,
    settings_from,
    watermark_of,
)
from leaddesk.adapters.dynamo.notify_batch import NotifyBatches, Write, WritePurpose, item_key, put_new
from leaddesk.adapters.dynamo.notify_deliveries import (
    delivery_from,
    delivery_item,
    put_delivery,
    reclaim_delivery,
    settle_delivery,
)
from leaddesk.adapters.dynamo.notify_digests import DayCounts, owe_digest, put_digest_entry
from leaddesk.adapters.dynamo.notify_feedback import put_suppression
from leaddesk.adapters.dynamo.notify_items import (
    DAY_TTL,
    action_key,
    delivery_key,
    feed_key,
    no_recipient_key,
    settings_key,
    suppression_key,
    ttl_after,
)
from leaddesk.domain.deliveries import (
    ActionRef,
    BatchClaim,
    ClaimResult,
    Delivery,
    DeliveryClaims,
    DeliveryRef,
    EarlierClaims,
    LeadMail,
    OwedDigest,
    SettleOutcome,
    VolumeMode,
)
from leaddesk.domain.notify_settings import NotificationSettings

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

    from leaddesk.domain.action_center import ActionItem
    from leaddesk.domain.emails import LeadFacts
    from leaddesk.domain.feedback import Suppression
    from leaddesk.domain.models import Lead

LeadRef = tuple[str, str]  # (partner id, lead id)


class NoticeSubjects:
    """What a batch of notices is about: its leads and its partners' notification settings."""

    def __init__(self, leads: dict[LeadRef, Lead], settings: dict[str, NotificationSettings]) -> None:
        self._leads = leads
        self._settings = settings

    def lead(self, partner_id: str, lead_id: str) -> Lead | None:
        return self._leads.get((partner_id, lead_id))

    def settings(self, partner_id: str) -> NotificationSettings:
        return self._settings.get(partner_id, NotificationSettings())


class NotifyStore:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._db = client
        self._table = table_name
        self._batches = NotifyBatches(client, table_name)
        self._days = DayCounts(client, table_name)

    # --- reads --------------------------------------------------------------------------------
    def notice_subjects(self, partner_ids: Iterable[str], leads: Iterable[LeadRef]) -> NoticeSubjects:
        """The partners' settings and the leads that exist, in one consistent BatchGetItem."""
        partners, wanted = list(partner_ids), list(leads)
        keys = [settings_key(p) for p in partners] + [lead_key(p, lead_id) for p, lead_id in wanted]
        found = self._batches.get_many(keys) if keys else {}
        settings = {p: settings_from(found.get(item_key(settings_key(p)))) for p in partners}
        stored = {ref: found.get(item_key(lead_key(*ref))) for ref in wanted}
        return NoticeSubjects({ref: item_to_lead(item) for ref, item in stored.items() if item}, settings)

    def earlier_claims(
        self, actions: Iterable[ActionRef], deliveries: Iterable[DeliveryRef]
    ) -> EarlierClaims:
        """The action items and deliveries that earlier deliveries of the same events wrote."""
        action_refs, delivery_refs = list(actions), list(deliveries)
        keys = [action_key(*ref) for ref in action_refs] + [delivery_key(*ref) for ref in delivery_refs]
        found = self._batches.get_many(keys) if keys else {}
        modes: dict[ActionRef, VolumeMode] = {}
        for action in action_refs:
            row = found.get(item_key(action_key(*action)))
            if row:
                modes[action] = mode_of(row)
        earlier: dict[DeliveryRef, Delivery] = {}
        for delivery in delivery_refs:
            row = found.get(item_key(delivery_key(*delivery)))
            if row is not None:
                earlier[delivery] = delivery_from(row, delivery[0])
        return EarlierClaims(modes, earlier)

    def settings(self, partner_id: str) -> NotificationSettings:
        answer = self._db.get_item(TableName=self._table, Key=settings_key(partner_id), ConsistentRead=True)
        return settings_from(answer.get("Item"))

    def _feed_watermark(self, partner_id: str) -> str | None:
        answer = self._db.get_item(TableName=self._table, Key=feed_key(partner_id), ConsistentRead=True)
        return watermark_of(answer.get("Item"))

    # --- the day's count ---------------------------------------------------------------------------
    def count_new_leads(self, partner_id: str, day: date, count: int, now: datetime) -> int:
        """Add `count` new leads to the partner's day, atomically; the day's total after it."""
        return self._days.count_new_leads(partner_id, day, count, now)

    # --- claims -------------------------------------------------------------------------------
    def claim_notices(self, batch: BatchClaim) -> ClaimResult:
        """Write the batch's claims together (in transactions of at most 100). When a condition
        failed, nothing of its transaction was written, and the result says why: a notice another
        delivery holds, a feed whose watermark is newer than its new items (read here), a day whose
        digest run has begun."""
        writes: list[Write] = []
        for notice in batch.notices:
            owner = notice.notice_key
            writes += [reclaim_delivery(self._table, earlier, owner) for earlier in notice.reclaimed]
            if notice.action is not None:
                action = notice.action
                writes.append(
                    put_action(
                        self._table, action.partner_id, action.item, action.read_at, owner, action.mode
                    )
                )
            writes += [put_digest_entry(self._table, entry, owner) for entry in notice.digest_entries]
            writes += [put_delivery(self._table, delivery, owner) for delivery in notice.deliveries]
        writes += [owe_digest(self._table, owed, counts) for owed, counts in batch.owed.items()]
        for partner_id, ids in batch.unread.items():
            writes.append(add_unread(self._table, partner_id, len(ids), min(ids)))
        if not writes:
            return ClaimResult()
        taken: set[str] = set()
        read_through: dict[str, str] = {}
        started: set[OwedDigest] = set()
        unexplained = 0
        for write in self._batches.transact(writes):
            if write.purpose is WritePurpose.CLAIM:
                taken.add(write.owner)
            elif write.purpose is WritePurpose.FEED:
                read_through[write.owner] = self._feed_watermark(write.owner) or ""
            elif write.purpose is WritePurpose.DIGEST_OWED:
                started.add(write.owner)
            else:
                unexplained += 1
        return ClaimResult(frozenset(taken), read_through, frozenset(started), unexplained)

    def claim_deliveries(self, deliveries: Sequence[Delivery]) -> DeliveryClaims:
        """Claim each delivery (`sending`) that nobody claimed before: those claimed now, and the
        earlier records of those claimed before (read after the claims)."""
        writes = [put_delivery(self._table, delivery, delivery.address) for delivery in deliveries]
        taken = {write.owner for write in self._batches.transact(writes)} if writes else set()
        if not taken:
            return DeliveryClaims(list(deliveries), [])
        # Each transaction that failed wrote nothing: claim the others again one by one.
        claimed = [
            delivery
            for delivery in deliveries
            if delivery.address not in taken
            and not self._batches.transact([put_delivery(self._table, delivery, delivery.address)])
        ]
        by_address = {d.address: d for d in deliveries if d.address in taken}
        found = self._batches.get_many(
            delivery_key(d.partner_id, d.notice_key, d.address) for d in by_address.values()
        )
        earlier = []
        for delivery in by_address.values():
            row = found.get(
                item_key(delivery_key(delivery.partner_id, delivery.notice_key, delivery.address))
            )
            if row is not None:
                earlier.append(delivery_from(row, delivery.partner_id))
        return DeliveryClaims(claimed, earlier)

    def reclaim(self, delivery: Delivery) -> bool:
        """A deferred delivery (nothing went out) claimed again: `sending` at `delivery.at`, if it
        is still deferred (False: another delivery took it up)."""
        return not self._batches.transact([reclaim_delivery(self._table, delivery, delivery.address)])

    def settle(
        self,
        delivery: Delivery,
        item: ActionItem | None,
        read_at: datetime | None,
        mail: LeadMail | None = None,
    ) -> SettleOutcome:
        """A failed or unconfirmed delivery's state, if it is still `sending`, in one transaction
        with the action-center item that says so (`item`, when given), the lead's email in its
        history (`mail`) and, unless the item is written as read, the feed's unread count."""
        history = [] if mail is None else [put_lead_mail(self._table, mail, delivery.notice_key)]
        claim = settle_delivery(self._table, delivery)
        return self._claim_with_item(claim, delivery.partner_id, item, read_at, delivery.notice_key, history)

    def record(self, deliveries: Iterable[Delivery], mails: Iterable[LeadMail] = ()) -> None:
        """Outcomes of sends (their final items) and the leads' emails they settle, by
        BatchWriteItem (the same requests: a lead's email costs no request of its own)."""
        items = [delivery_item(d) for d in deliveries] + [lead_mail_item(m) for m in mails]
        self._batches.put_items(items)

    # --- suppressed addresses ----------------------------------------------------------------------
    def suppressed(self, addresses: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
        """Which of (partner id, address) are suppressed, in one consistent BatchGetItem; answered
        as (partner id, lower-case address)."""
        wanted = {(p, a.lower()) for p, a in addresses}
        if not wanted:
            return set()
        found = self._batches.get_many(suppression_key(p, a) for p, a in wanted)
        return {(p, a) for p, a in wanted if item_key(suppression_key(p, a)) in found}

    def suppress(
        self, partner_id: str, suppression: Suppression, item: ActionItem, read_at: datetime | None
    ) -> SettleOutcome:
        """Suppress an address with the action-center item that says so, in one transaction:
        `SETTLED_BEFORE` when it was suppressed already (nothing written: feedback delivered
        twice adds nothing), `FEED_READ` when the item is older than the feed's watermark."""
        claim = put_suppression(self._table, partner_id, suppression)
        return self._claim_with_item(claim, partner_id, item, read_at, suppression.address)

    def note_no_recipient(
        self, partner_id: str, item: ActionItem, day: date, read_at: datetime | None
    ) -> SettleOutcome:
        """The day's `no_recipient` item for the item's lead type, unless the day has one: a
        marker (`NOREC#<day>#<type>`), the item and, unless written as read, the feed's unread
        count, in one transaction. SETTLED: written now; SETTLED_BEFORE: the day had one;
        ITEM_EXISTS: the item is there without its marker (the marker's TTL ran out); FEED_READ:
        the feed was marked read past the item (write it as read)."""
        assert item.lead_type is not None
        marker = Write(
            partner_id,
            WritePurpose.CLAIM,
            put_new(
                self._table,
                {
                    **no_recipient_key(partner_id, day, item.lead_type.value),
                    "type": {"S": "no_recipient"},
                    "notification_id": {"S": item.notification_id},
                    "ttl": ttl_after(item.at, DAY_TTL),
                },
            ),
        )
        return self._claim_with_item(marker, partner_id, item, read_at, partner_id)

    def _claim_with_item(
        self,
        claim: Write,
        partner_id: str,
        item: ActionItem | None,
        read_at: datetime | None,
        owner: object,
        also: Sequence[Write] = (),
    ) -> SettleOutcome:
        """The claim (and `also`) in one transaction with the action-center item that says so
        (when given) and, unless the item is written as read, the feed's unread count: SETTLED,
        or what failed — the claim (SETTLED_BEFORE), the item (ITEM_EXISTS), else the unread
        count's condition: the feed was read past the item (FEED_READ)."""
        writes = [claim, *also]
        put_item = None
        if item is not None:
            put_item = put_action(self._table, partner_id, item, read_at, owner)
            writes.append(put_item)
            if read_at is None:
                writes.append(add_unread(self._table, partner_id, 1, item.notification_id))
        failed = self._batches.transact(writes)
        if not failed:
            return SettleOutcome.SETTLED
        if claim in failed:
            return SettleOutcome.SETTLED_BEFORE
        if put_item is not None and put_item in failed:
            return SettleOutcome.ITEM_EXISTS
        return SettleOutcome.FEED_READ

    def resolve_items(self, partner_id: str, notification_ids: Sequence[str], now: datetime) -> set[str]:
        """Resolve the partner's items (idempotent); the ids of those that do not exist."""
        missing: set[str] = set()
        for notification_id in notification_ids:
            try:
                self._db.update_item(**resolve_action(self._table, partner_id, notification_id, now))
            except self._db.exceptions.ConditionalCheckFailedException:
                missing.add(notification_id)
        return missing

    # --- digests -------------------------------------------------------------------------------------
    def digests_owed(self, before: date) -> Iterator[OwedDigest]:
        return self._days.digests_owed(before)

    def start_digest(self, owed: OwedDigest, now: datetime) -> dict[str, int] | None:
        return self._days.start_digest(owed, now)

    def digest_entries(self, owed: OwedDigest, address: str, limit: int) -> list[LeadFacts]:
        return self._days.digest_entries(owed, address, limit)

    def finish_digest(self, owed: OwedDigest, now: datetime) -> None:
        self._days.finish_digest(owed, now)
