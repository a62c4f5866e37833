"""The notifier's records as the services see them: deliveries, owed digests, and what claiming
a batch of notices (or a digest's deliveries) came to.

A delivery is one email of one notice to one address; it is claimed (`sending`) before its email
goes out, so a notice is emailed at most once however often its event is delivered. How these
are keyed and written is the store's business (`leaddesk.adapters.notify_store`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from leaddesk.domain.action_center import ActionItem
    from leaddesk.domain.emails import LeadFacts


def address_tag(address: str) -> str:
    """A short, URL-safe stand-in for an address in ids and keys."""
    return hashlib.sha256(address.lower().encode()).hexdigest()[:12]


class DeliveryState(StrEnum):
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"  # refused for good (recorded, shown in the action center)
    DEFERRED = "deferred"  # SES throttled every try: nothing went out, safe to send again
    UNCONFIRMED = "unconfirmed"  # a send was interrupted: never sent again (at most once)
    SUPPRESSED = "suppressed"  # the address bounced for good or complained: not sent


@dataclass(frozen=True)
class Delivery:
    partner_id: str
    notice_key: str
    address: str
    why: str
    state: DeliveryState
    at: datetime
    message_id: str | None = None
    reason: str | None = None


# What a lead's history shows of its emails: settled outcomes only (`sending` and `deferred` are
# on their way to one of these).
LOGGED_STATES = frozenset(
    {DeliveryState.SENT, DeliveryState.FAILED, DeliveryState.UNCONFIRMED, DeliveryState.SUPPRESSED}
)


@dataclass(frozen=True)
class LeadMail:
    """One email of one notice about a lead, to one address, as its outcome was settled."""

    partner_id: str
    lead_id: str
    kind: str  # the notice kind (new_lead, expiring_soon, declined, expired)
    address: str
    why: str
    state: DeliveryState
    at: datetime
    reason: str | None = None

    @classmethod
    def of(cls, delivery: Delivery, lead_id: str) -> LeadMail:
        return cls(
            partner_id=delivery.partner_id,
            lead_id=lead_id,
            kind=delivery.notice_key.split("#", 1)[0],
            address=delivery.address,
            why=delivery.why,
            state=delivery.state,
            at=delivery.at,
            reason=delivery.reason,
        )


class VolumeMode(StrEnum):
    """How a new lead is emailed under the daily volume rule (kept with its action item)."""

    INDIVIDUAL = "individual"  # one of the partner's first leads of the day: emailed on its own
    DIGEST = "digest"  # a later one: collected for the day's digest


@dataclass(frozen=True)
class OwedDigest:
    """A partner's day whose leads past the first ten wait for the digest."""

    partner_id: str
    day: date

    @property
    def key(self) -> str:
        """The notice key of the digest's deliveries."""
        return f"digest#{self.day.isoformat()}"


# --- what a batch of notices reads -----------------------------------------------------------------
ActionRef = tuple[str, str]  # (partner id, notification id) of an action item
DeliveryRef = tuple[str, str, str]  # (partner id, notice key, address) of a delivery


@dataclass(frozen=True)
class EarlierClaims:
    """What earlier deliveries of the same events claimed: the action items found (with the volume
    mode their lead was given) and the deliveries found, each under the reference asked for."""

    modes: Mapping[ActionRef, VolumeMode]
    deliveries: Mapping[DeliveryRef, Delivery]


# --- claiming a batch of notices -------------------------------------------------------------------
@dataclass(frozen=True)
class ActionClaim:
    """A notice's action-center item, written only if it is not there yet (it claims the notice)."""

    partner_id: str
    item: ActionItem
    read_at: datetime | None  # set: the item joins the feed as read (older than its watermark)
    mode: VolumeMode | None = None  # a new lead's: how it is emailed


@dataclass(frozen=True)
class DigestEntry:
    """One lead collected for one recipient's digest of the day."""

    owed: OwedDigest
    address: str
    facts: LeadFacts
    at: datetime


@dataclass(frozen=True)
class NoticeClaim:
    """Everything one notice claims: written with the batch, or (when another delivery of the same
    event holds any of it) not at all."""

    notice_key: str
    reclaimed: Sequence[Delivery] = ()  # deferred earlier (nothing went out), `sending` again
    action: ActionClaim | None = None
    digest_entries: Sequence[DigestEntry] = ()
    deliveries: Sequence[Delivery] = ()  # new, `sending`

    @property
    def empty(self) -> bool:
        return not (self.reclaimed or self.action or self.digest_entries or self.deliveries)


@dataclass(frozen=True)
class BatchClaim:
    """A batch's notices, with the day counts that now owe a digest and the feeds' new unread
    items, claimed together."""

    notices: Sequence[NoticeClaim]
    owed: Mapping[OwedDigest, Mapping[str, int]] = field(default_factory=dict)  # address → leads
    unread: Mapping[str, Sequence[str]] = field(default_factory=dict)  # partner → new item ids

    @property
    def empty(self) -> bool:
        return all(notice.empty for notice in self.notices) and not self.owed and not self.unread


@dataclass(frozen=True)
class ClaimResult:
    """Why a batch's claim did not go through (then nothing of it was written); empty when it did."""

    taken: frozenset[str] = frozenset()  # notice keys another delivery of the same event holds
    read_through: Mapping[str, str] = field(default_factory=dict)  # partner → its feed's watermark
    digests_started: frozenset[OwedDigest] = frozenset()  # days whose digest run has begun
    unexplained: int = 0  # other conditions that failed (the same claim would fail again)

    @property
    def claimed(self) -> bool:
        return not (self.taken or self.read_through or self.digests_started or self.unexplained)


@dataclass(frozen=True)
class DeliveryClaims:
    """A digest's deliveries claimed: those this run sends, and the earlier records of the others."""

    claimed: Sequence[Delivery]
    earlier: Sequence[Delivery]


class SettleOutcome(StrEnum):
    """What settling a failed or unconfirmed delivery with its action-center item came to."""

    SETTLED = "settled"
    SETTLED_BEFORE = "settled_before"  # no longer `sending`: another delivery settled it, with its item
    ITEM_EXISTS = "item_exists"  # the item is there already: settle without it
    FEED_READ = "feed_read"  # the item is older than the feed's watermark: it joins the feed as read
