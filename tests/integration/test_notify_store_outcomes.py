"""What the notifier's store says when it writes a claim with its action-center item: written,
claimed before, the item there already, or the feed read past the item (write it as read)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from leaddesk.adapters import aws
from leaddesk.adapters.action_center import ActionCenterStore
from leaddesk.adapters.notify_store import NotifyStore
from leaddesk.domain.action_center import no_recipient_item, suppression_item
from leaddesk.domain.deliveries import SettleOutcome, address_tag
from leaddesk.domain.feedback import FeedbackKind, Suppression
from leaddesk_local.provision import Deployment
from tests.helpers.leads import make_lead
from tests.helpers.tenants import Partners

AT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
ADDRESS = "gone@customer-bounce.com"


def stores(deployment: Deployment) -> tuple[NotifyStore, ActionCenterStore]:
    table = deployment.refs["LeadsTable"]
    return NotifyStore(aws.dynamodb(), table), ActionCenterStore(aws.dynamodb(), table)


def test_a_no_recipient_item_older_than_the_feeds_watermark_is_written_as_read_once_a_day(
    deployment: Deployment, partners: Partners
) -> None:
    notify_store, feed = stores(deployment)
    item = no_recipient_item(make_lead(created_at=AT), AT)
    feed.mark_all_read(partners.contoso, AT + timedelta(hours=1))

    assert notify_store.note_no_recipient(partners.contoso, item, AT.date(), None) is SettleOutcome.FEED_READ
    read_at = AT + timedelta(hours=2)
    assert notify_store.note_no_recipient(partners.contoso, item, AT.date(), read_at) is SettleOutcome.SETTLED
    again = notify_store.note_no_recipient(partners.contoso, item, AT.date(), read_at)
    assert again is SettleOutcome.SETTLED_BEFORE
    items, unread, _, _ = feed.page(partners.contoso, 10, None, "all", read_at)
    assert [i.notification_id for i in items] == [item.notification_id] and items[0].read and unread == 0


def test_a_suppression_is_written_once_and_feedback_handled_before_adds_no_second_item(
    deployment: Deployment, partners: Partners
) -> None:
    notify_store, feed = stores(deployment)
    suppression = Suppression(address=ADDRESS, kind=FeedbackKind.BOUNCE, at=AT, feedback_id="fb-1")
    item = suppression_item(ADDRESS, address_tag(ADDRESS), False, AT, "fb-1")

    assert notify_store.suppress(partners.contoso, suppression, item, None) is SettleOutcome.SETTLED
    assert notify_store.suppress(partners.contoso, suppression, item, None) is SettleOutcome.SETTLED_BEFORE
    assert feed.clear_suppression(partners.contoso, ADDRESS)
    # The same feedback once more, after the address was cleared: its item is there already.
    assert notify_store.suppress(partners.contoso, suppression, item, None) is SettleOutcome.ITEM_EXISTS
    assert feed.suppressions(partners.contoso) == []
    items, unread, _, _ = feed.page(partners.contoso, 10, None, "all", AT)
    assert [i.notification_id for i in items] == [item.notification_id] and unread == 1
