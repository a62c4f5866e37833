"""Notify a batch of events: the right people emailed at most once, the rest collected for the digest.

For a batch (an SQS batch of EventBridge envelopes):
1. parse each event into a notice (a malformed one goes to the dead-letter queue with its reason);
2. read the leads and the partners' settings (one BatchGetItem), decide recipients (domain);
3. read what earlier deliveries of the same events already claimed (one BatchGetItem), then the
   suppressed addresses among the recipients (one BatchGetItem) — before anything is claimed, so
   a failed read leaves no delivery `sending` that was never handed to SES;
4. count the partners' new leads of the day atomically (one ADD per partner and day): the first
   10 are emailed one by one, later ones are collected for the day's digest;
5. claim everything in one transaction — the action item (a new lead's claim, carrying its
   volume decision), each delivery as `sending`, digest entries, the feed's unread count — so a
   concurrent duplicate delivery loses cleanly;
6. send (but to suppressed addresses), then record the outcomes (BatchWriteItem).
A record is reported failed (SQS delivers it again) only while something is left to do.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import StrEnum

from leaddesk.adapters.metrics import OperatorMetrics
from leaddesk.adapters.notify_store import NotifyStore
from leaddesk.adapters.people import PeopleDirectory
from leaddesk.domain.action_center import (
    ActionItem,
    ActionKind,
    export_item,
    lead_item,
    lead_item_at,
    lead_item_ids,
    no_recipient_item,
    webhook_item,
)
from leaddesk.domain.contract import ExportCompleted, ExportFailed
from leaddesk.domain.deliveries import (
    ActionClaim,
    BatchClaim,
    Delivery,
    DeliveryState,
    DigestEntry,
    NoticeClaim,
    OwedDigest,
    SettleOutcome,
    VolumeMode,
)
from leaddesk.domain.emails import Email, EmailRenderer, LeadFacts
from leaddesk.domain.models import Lead, LeadStatus
from leaddesk.domain.notices import (
    DAILY_INDIVIDUAL_EMAILS,
    Notice,
    NoticeKind,
    NoticeRejected,
    Recipient,
    has_action_item,
    lead_day,
    parse_notice,
    recipients,
    reminded,
    trace_headers,
)
from leaddesk.domain.notify_settings import NotificationSettings
from leaddesk.domain.timed_rules import expires_at
from leaddesk.services.deliveries import Deliverer, Outgoing, Suppressed, claimed_state
from leaddesk.services.records import QueuedRecord

logger = logging.getLogger(__name__)
CLAIM_ROUNDS = 4
RESOLVING = frozenset({NoticeKind.ANSWERED, NoticeKind.DECLINED, NoticeKind.EXPIRED})
INDIVIDUAL, DIGEST = VolumeMode.INDIVIDUAL, VolumeMode.DIGEST


class Fate(StrEnum):
    DONE = "done"  # every email of the notice went (or failed for good), items written
    NOTHING = "nothing"  # nobody to notify (test or informational lead, no usable address)
    DUPLICATE = "duplicate"  # handled by an earlier or concurrent delivery of the same event
    DEAD_LETTER = "dead_letter"
    RETRY = "retry"


@dataclass(frozen=True)
class NotifyResult:
    message_id: str
    fate: Fate
    key: str | None = None
    reason: str | None = None
    sent: int = 0
    field: str | None = None  # dead letters: the offending field

    def log_fields(self) -> dict[str, object]:
        return {"key": self.key, "sent": self.sent}


@dataclass
class _Job:
    record: QueuedRecord
    notice: Notice
    lead: Lead | None
    settings: NotificationSettings
    recipients: list[Recipient]
    action: ActionItem | None
    mode: VolumeMode = INDIVIDUAL
    redelivered: bool = False
    dropped: bool = False
    retry: str | None = None  # why the record must come back
    reclaim: list[Delivery] = field(default_factory=list)  # deferred earlier: nothing went out
    nobody: bool = False  # a new lead nobody is told of (a `no_recipient` item for its type and day)
    reminders: dict[str, list[Lead]] = field(default_factory=dict)  # a run's reminders: address → leads

    @property
    def key(self) -> str:
        return self.notice.key

    @property
    def day(self) -> date | None:
        return lead_day(self.lead) if self.lead is not None else None

    @property
    def owed_digest(self) -> OwedDigest | None:
        """The digest of the lead's day (which a digest-mode lead joins)."""
        return OwedDigest(self.notice.partner_id, self.day) if self.day is not None else None


class NotifyService:
    def __init__(
        self,
        store: NotifyStore,
        deliverer: Deliverer,
        renderer: EmailRenderer,
        clock: Callable[[], datetime],
        metrics: OperatorMetrics,
        lease: timedelta,
        expiry_days: int,
        people: PeopleDirectory | None = None,
        export_retention: timedelta = timedelta(days=7),
    ) -> None:
        self._store = store
        self._export_retention = export_retention
        self._people = people
        self._deliverer = deliverer
        self._renderer = renderer
        self._clock = clock
        self._metrics = metrics
        self._lease = lease
        self._expiry_days = expiry_days

    def handle(self, records: Sequence[QueuedRecord]) -> list[NotifyResult]:
        results: dict[str, NotifyResult] = {}
        notices: list[tuple[QueuedRecord, Notice]] = []
        for record in records:
            try:
                notices.append((record, parse_notice(record.body)))
            except NoticeRejected as error:
                results[record.message_id] = self._dead_letter(record, error.field, error.reason)
        jobs = self._jobs(notices, results)
        self._resume(jobs)
        suppressed = self._deliverer.suppressed_before(_addresses(jobs))
        self._decide_volume([job for job in jobs if not job.redelivered and not job.dropped])
        self._claim(jobs, suppressed)
        self._note_nobody([job for job in jobs if job.nobody and not job.dropped])
        outgoing = self._outgoing([job for job in jobs if not job.dropped])
        outcomes = self._deliverer.send_all(outgoing, suppressed)
        self._resolve([job for job in jobs if job.notice.kind in RESOLVING and job.lead is not None])
        pending = {o.outgoing.delivery.notice_key for o in outcomes if not o.settled}
        sent: dict[str, int] = defaultdict(int)
        for outcome in outcomes:
            sent[outcome.delivery.notice_key] += outcome.delivery.state is DeliveryState.SENT
        for job in jobs:
            results[job.record.message_id] = self._result(job, job.key in pending, sent[job.key])
        return [results[record.message_id] for record in records]

    # --- 2. what each notice asks for ------------------------------------------------------------
    def _jobs(
        self, notices: list[tuple[QueuedRecord, Notice]], results: dict[str, NotifyResult]
    ) -> list[_Job]:
        subjects = self._store.notice_subjects(
            [n.partner_id for _, n in notices],
            [ref for _, n in notices for ref in _lead_refs(n)],
        )
        jobs = []
        people: dict[str, list[str]] = {}
        for record, notice in notices:
            settings = subjects.settings(notice.partner_id)
            if notice.kind is NoticeKind.REMINDERS:  # its leads answered or gone meanwhile are left out
                leads = [lead for p, i in _lead_refs(notice) if (lead := subjects.lead(p, i)) is not None]
                admins = self._referral_admin_users(notice.partner_id, settings, people)
                who = reminded(leads, settings, admins)
                job = _Job(record, notice, None, settings, [r for r, _ in who.values()], None)
                job.reminders = {r.address.lower(): found for r, found in who.values()}
                jobs.append(job)
                continue
            lead = subjects.lead(notice.partner_id, notice.subject_id) if notice.about_a_lead else None
            if notice.about_a_lead and lead is None:
                reason = f"no lead {notice.subject_id} for partner {notice.partner_id}"
                results[record.message_id] = self._dead_letter(record, "detail.lead_id", reason)
                continue
            action = self._action(notice, lead) if has_action_item(notice, lead) else None
            admins = (
                self._referral_admin_users(notice.partner_id, settings, people)
                if action and (lead or notice.endpoint)
                else []
            )
            found = recipients(notice, lead, settings, admins)
            job = _Job(record, notice, lead, settings, found, action)
            job.nobody = notice.kind is NoticeKind.NEW_LEAD and action is not None and not found
            jobs.append(job)
        return jobs

    def _referral_admin_users(
        self, partner_id: str, settings: NotificationSettings, known: dict[str, list[str]]
    ) -> list[str]:
        """The partner's referrals_admin users, asked of the identity provider only when the
        settings name no referral admin (once per partner and batch; the directory caches)."""
        if settings.referral_admin_emails or self._people is None:
            return []
        if partner_id not in known:
            known[partner_id] = self._people.referral_admins(partner_id)
        return known[partner_id]

    def _action(self, notice: Notice, lead: Lead | None) -> ActionItem:
        if isinstance(notice.export, ExportCompleted):
            export = notice.export
            at = export.completed_at or self._clock()
            expires = at + self._export_retention  # the bucket's retention rule deletes the file then
            return export_item(True, export.export_id, at, export.row_count, None, expires)
        if isinstance(notice.export, ExportFailed):
            return export_item(False, notice.export.export_id, self._clock(), None, notice.export.reason)
        if notice.endpoint is not None:
            hook = notice.endpoint
            return webhook_item(hook.endpoint_id, hook.url, hook.failing_since, hook.disabled_at)
        assert lead is not None
        kind = ActionKind.NEW_LEAD if notice.kind is NoticeKind.NEW_LEAD else ActionKind.EXPIRING_SOON
        return lead_item(kind, lead, lead_item_at(kind, lead) or lead.updated_at)

    # --- 3. what earlier deliveries of the same events did --------------------------------------
    def _resume(self, jobs: list[_Job]) -> None:
        claims = self._store.earlier_claims(
            [(job.notice.partner_id, job.action.notification_id) for job in jobs if job.action is not None],
            [(job.notice.partner_id, job.key, r.address) for job in jobs for r in job.recipients],
        )
        unconfirmed: list[tuple[Delivery, Lead | None]] = []
        now = self._clock()
        for job in jobs:
            action_id = job.action.notification_id if job.action is not None else None
            mode = claims.modes.get((job.notice.partner_id, action_id)) if action_id else None
            if mode is not None:
                job.redelivered = True
                job.mode = mode
            for recipient in list(job.recipients):
                earlier = claims.deliveries.get((job.notice.partner_id, job.key, recipient.address))
                if earlier is None:
                    continue
                job.redelivered = True
                job.recipients.remove(recipient)
                if earlier.state is DeliveryState.DEFERRED:
                    job.reclaim.append(replace(earlier, state=DeliveryState.SENDING, at=now))
                elif earlier.state is DeliveryState.SENDING and now - earlier.at < self._lease:
                    job.retry = "another delivery of this event is sending it"
                elif earlier.state is DeliveryState.SENDING:
                    lost = replace(earlier, state=DeliveryState.UNCONFIRMED, at=now)
                    unconfirmed.append((lost, job.lead))
            if job.redelivered:
                job.recipients = []  # recipients are decided once, when the event is first handled
        self._deliverer.report(unconfirmed, unconfirmed=True)  # each with its action-center item

    # --- 4. the volume rule ----------------------------------------------------------------------
    def _decide_volume(self, fresh: list[_Job]) -> None:
        groups: dict[tuple[str, date], list[_Job]] = defaultdict(list)
        for job in fresh:
            if job.notice.kind is NoticeKind.NEW_LEAD and job.action is not None and job.day is not None:
                groups[(job.notice.partner_id, job.day)].append(job)
        for (partner_id, day), group in groups.items():
            total = self._store.count_new_leads(partner_id, day, len(group), self._clock())
            for position, job in enumerate(group, start=total - len(group) + 1):
                job.mode = INDIVIDUAL if position <= DAILY_INDIVIDUAL_EMAILS else DIGEST

    # --- 5. one transaction claims the batch ------------------------------------------------------
    def _claim(self, jobs: list[_Job], suppressed: Suppressed) -> None:
        read_before: dict[str, str] = {}  # partner → feed watermark, once a claim found one
        for _ in range(CLAIM_ROUNDS):
            batch = self._claims([job for job in jobs if not job.dropped], read_before, suppressed)
            if batch.empty:
                return
            result = self._store.claim_notices(batch)
            if result.claimed:
                return
            for job in jobs:
                if job.key in result.taken:
                    job.dropped = True  # a concurrent delivery of the same event has it
                elif job.mode is DIGEST and job.owed_digest in result.digests_started:
                    job.mode = INDIVIDUAL  # the day's digest went already: this late lead is emailed now
            read_before.update(result.read_through)
        raise RuntimeError("could not claim the batch's notices after several rounds")

    def _claims(self, jobs: list[_Job], read_before: dict[str, str], suppressed: Suppressed) -> BatchClaim:
        now = self._clock()
        notices: list[NoticeClaim] = []
        unread: dict[str, list[str]] = defaultdict(list)
        owed: dict[OwedDigest, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for job in jobs:
            partner_id = job.notice.partner_id
            if job.redelivered:
                notices.append(NoticeClaim(job.key, reclaimed=job.reclaim))
                continue
            action = None
            if job.action is not None:
                is_read = job.action.notification_id.split(".", 1)[0] <= read_before.get(partner_id, "")
                mode = job.mode if job.notice.kind is NoticeKind.NEW_LEAD else None
                action = ActionClaim(partner_id, job.action, now if is_read else None, mode)
                if not is_read:
                    unread[partner_id].append(job.action.notification_id)
            if job.mode is DIGEST and job.lead is not None and job.day is not None:
                facts = LeadFacts.of(job.lead)
                day = OwedDigest(partner_id, job.day)
                entries = [DigestEntry(day, r.address, facts, now) for r in job.recipients]
                for recipient in job.recipients:
                    owed[day][recipient.address] += 1
                notices.append(NoticeClaim(job.key, job.reclaim, action, digest_entries=entries))
                continue
            deliveries = [
                Delivery(
                    partner_id,
                    job.key,
                    r.address,
                    r.why.value,
                    claimed_state(partner_id, r.address, suppressed),
                    now,
                )
                for r in job.recipients
            ]
            notices.append(NoticeClaim(job.key, job.reclaim, action, deliveries=deliveries))
        return BatchClaim(notices, owed, unread)

    def _note_nobody(self, jobs: list[_Job]) -> None:
        """A `no_recipient` item for each lead type and UTC day with a new lead nobody is told of
        (the store keeps it to one; a redelivery finds the day's marker and adds nothing)."""
        for job in jobs:
            assert job.lead is not None and job.day is not None
            item = no_recipient_item(job.lead, job.lead.created_at)
            try:
                read_at = None
                for _ in range(2):
                    outcome = self._store.note_no_recipient(job.notice.partner_id, item, job.day, read_at)
                    if outcome is not SettleOutcome.FEED_READ:
                        break
                    read_at = self._clock()  # older than the feed's watermark: it joins the feed as read
                if outcome is SettleOutcome.SETTLED:
                    self._metrics.count("LeadsWithNoRecipient")
            except Exception as error:  # the record comes back; the marker keeps the item to one
                logger.warning("no_recipient item not written: %s", type(error).__name__)
                job.retry = "the no_recipient item is still to be written"

    def _resolve(self, jobs: list[_Job]) -> None:
        """A lead answered, closed or expired: its new-lead and reminder items are resolved. An
        item written after its lead's answer is written resolved already (`lead_item` reads the
        lead's status), so an answer that finds no item leaves nothing open behind."""
        now = self._clock()
        for job in jobs:
            lead = job.lead
            assert lead is not None
            if lead.status is LeadStatus.RECEIVED:
                continue  # an event older than the lead's present state: nothing answered it yet
            try:
                self._store.resolve_items(job.notice.partner_id, lead_item_ids(lead), now)
            except Exception as error:  # the record comes back: resolving again changes nothing
                logger.warning("items not resolved: %s", type(error).__name__)
                job.retry = "the lead's items are still to be resolved"

    # --- 6. the emails -------------------------------------------------------------------------------
    def _outgoing(self, jobs: list[_Job]) -> list[Outgoing]:
        outgoing: list[Outgoing] = []
        now = self._clock()
        for job in jobs:
            if job.retry:
                continue
            claimed = list(job.reclaim)
            if not job.redelivered and job.mode == INDIVIDUAL:
                claimed += [
                    Delivery(
                        job.notice.partner_id, job.key, r.address, r.why.value, DeliveryState.SENDING, now
                    )
                    for r in job.recipients
                ]
            if not claimed:
                continue
            reminders = job.notice.kind is NoticeKind.REMINDERS  # each recipient's own leads
            shared = None if reminders else self._email(job)
            for delivery in claimed:
                if reminders and not job.reminders.get(delivery.address.lower()):
                    continue
                email = shared or self._reminder(job, delivery.address)
                headers = trace_headers(delivery.why, job.notice.partner_id, job.key, email.kind.value)
                outgoing.append(Outgoing(delivery, email, headers, job.lead))
        return outgoing

    def _reminder(self, job: _Job, address: str) -> Email:
        leads = job.reminders[address.lower()]
        return self._renderer.expiring_soon(
            [(lead, expires_at(lead, self._expiry_days)) for lead in leads], job.settings.language
        )

    def _email(self, job: _Job) -> Email:
        """The notice's email: in the partner's language, but a customer's in their own."""
        lead, kind, language = job.lead, job.notice.kind, job.settings.language
        if isinstance(job.notice.export, ExportCompleted):
            export = job.notice.export
            return self._renderer.export_ready(export.export_id, export.row_count, language)
        if isinstance(job.notice.export, ExportFailed):
            return self._renderer.export_failed(
                job.notice.export.export_id, job.notice.export.reason, language
            )
        if job.notice.endpoint is not None:
            hook = job.notice.endpoint
            return self._renderer.webhook_disabled(hook.url, hook.failing_since, language)
        assert lead is not None
        if kind is NoticeKind.NEW_LEAD:
            return self._renderer.new_lead(lead, language)
        if kind is NoticeKind.DECLINED:
            return self._renderer.declined_for(lead, job.settings)  # the customer's own language
        return self._renderer.expired(lead, language)

    # --- results -------------------------------------------------------------------------------------
    def _result(self, job: _Job, pending: bool, sent: int) -> NotifyResult:
        message_id = job.record.message_id
        if job.dropped:
            self._metrics.count("NoticesDuplicate")
            return NotifyResult(message_id, Fate.DUPLICATE, job.key, "handled by another delivery")
        if job.retry or pending:
            why = job.retry or "an email is still to be sent"
            return NotifyResult(message_id, Fate.RETRY, job.key, why, sent)
        if job.redelivered and not sent:
            return NotifyResult(message_id, Fate.DUPLICATE, job.key, "already notified", sent)
        if job.notice.kind is NoticeKind.ANSWERED:
            return NotifyResult(message_id, Fate.DONE, job.key, "the lead's items resolved", sent)
        if not sent and not job.action and job.mode != DIGEST:
            return NotifyResult(message_id, Fate.NOTHING, job.key, "nobody to notify", sent)
        reason: str | None = "collected for the day's digest" if job.mode == DIGEST else None
        if job.mode == DIGEST:
            self._metrics.count("LeadsCollectedForDigest")
        return NotifyResult(message_id, Fate.DONE, job.key, reason, sent)

    @staticmethod
    def _dead_letter(record: QueuedRecord, field_name: str, reason: str) -> NotifyResult:
        """An event the notifier can never handle: the queue consumer dead-letters it."""
        return NotifyResult(record.message_id, Fate.DEAD_LETTER, reason=reason, field=field_name)


def _addresses(jobs: list[_Job]) -> list[tuple[str, str]]:
    """(partner id, address) of every email the batch may send: its recipients (whichever way the
    volume rule decides) and the deferred deliveries it takes up again."""
    return [
        (job.notice.partner_id, address)
        for job in jobs
        for address in [*(r.address for r in job.recipients), *(d.address for d in job.reclaim)]
    ]


def _lead_refs(notice: Notice) -> list[tuple[str, str]]:
    """The leads a notice is about (none for an export's)."""
    if notice.kind is NoticeKind.REMINDERS:
        return [(notice.partner_id, lead_id) for lead_id in notice.lead_ids]
    return [(notice.partner_id, notice.subject_id)] if notice.about_a_lead else []
