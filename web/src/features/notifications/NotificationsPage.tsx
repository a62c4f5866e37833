import { Badge, Button, MessageBar, MessageBarBody, Spinner, Tab, TabList, Text } from "@fluentui/react-components";
import { useState } from "react";
import { FormattedMessage, useIntl, type IntlShape } from "react-intl";
import { Link } from "react-router-dom";
import type { ActionItem } from "../../api/client";
import { canChangeSettings, currentSession } from "../../auth/session";
import { FlameBadge } from "../../components/FlameBadge";
import { ProblemBar } from "../../components/ProblemBar";
import { defineMessages, useFormats } from "../../i18n";
import { label, LEAD_TYPE_LABELS, NONE } from "../../labels";
import { OPEN } from "./OpenBadge";
import { useMarkRead, useNotifications, type NotificationState } from "./queries";

const KIND_LABELS = defineMessages({
  new_lead: { id: "notifications.kind.new_lead", defaultMessage: "New lead" },
  expiring_soon: { id: "notifications.kind.expiring_soon", defaultMessage: "Expiring soon" },
  export_ready: { id: "notifications.kind.export_ready", defaultMessage: "Export ready" },
  export_failed: { id: "notifications.kind.export_failed", defaultMessage: "Export failed" },
  send_failed: { id: "notifications.kind.send_failed", defaultMessage: "Email not delivered" },
  send_unconfirmed: { id: "notifications.kind.send_unconfirmed", defaultMessage: "Email may not have arrived" },
  address_suppressed: { id: "notifications.kind.address_suppressed", defaultMessage: "Address no longer emailed" },
  no_recipient: { id: "notifications.kind.no_recipient", defaultMessage: "Nobody notified" },
  webhook_disabled: { id: "notifications.kind.webhook_disabled", defaultMessage: "CRM endpoint disabled" },
});

const STATE_LABELS = defineMessages({
  all: { id: "notifications.state.all", defaultMessage: "All" },
  open: { id: "notifications.state.open", defaultMessage: "Open" },
  resolved: { id: "notifications.state.resolved", defaultMessage: "Resolved" },
});

/** What the item asks of the partner, written here from its fields (the API's own `message` is
 * English). */
function describe(intl: IntlShape, item: ActionItem): string {
  const company = item.company || intl.formatMessage({ id: "notifications.aCustomer", defaultMessage: "a customer" });
  switch (item.kind) {
    case "new_lead":
      return item.flame === "hot"
        ? intl.formatMessage(
            {
              id: "notifications.newLeadHot",
              defaultMessage: "New lead from {company}: review it, then accept or decline it. The customer asked to be contacted directly.",
            },
            { company },
          )
        : intl.formatMessage(
            { id: "notifications.newLead", defaultMessage: "New lead from {company}: review it, then accept or decline it." },
            { company },
          );
    case "expiring_soon":
      return intl.formatMessage(
        { id: "notifications.expiringSoon", defaultMessage: "The lead from {company} expires soon: accept or decline it before it does." },
        { company },
      );
    case "export_ready":
      return item.row_count != null
        ? intl.formatMessage(
            {
              id: "notifications.exportReady",
              defaultMessage: "Your export is ready: {count, plural, one {# lead} other {# leads}}. Download it from its page.",
            },
            { count: item.row_count },
          )
        : intl.formatMessage({ id: "notifications.exportReadyNoCount", defaultMessage: "Your export is ready. Download it from its page." });
    case "export_failed":
      return intl.formatMessage({ id: "notifications.exportFailed", defaultMessage: "Your export could not be completed: start it again from the list." });
    case "send_failed":
      return intl.formatMessage(
        { id: "notifications.sendFailed", defaultMessage: "The email to {recipient} could not be delivered." },
        { recipient: item.recipient ?? NONE },
      );
    case "send_unconfirmed":
      return intl.formatMessage(
        { id: "notifications.sendUnconfirmed", defaultMessage: "The email to {recipient} may not have been delivered: check with them." },
        { recipient: item.recipient ?? NONE },
      );
    case "address_suppressed":
      return item.reason === "complaint"
        ? intl.formatMessage(
            {
              id: "notifications.addressComplained",
              defaultMessage: "{recipient} marked an email as spam: nothing more is sent to it until you clear it in Settings.",
            },
            { recipient: item.recipient ?? NONE },
          )
        : intl.formatMessage(
            {
              id: "notifications.addressBounced",
              defaultMessage: "Email to {recipient} bounced for good: nothing more is sent to it until you clear it in Settings.",
            },
            { recipient: item.recipient ?? NONE },
          );
    case "no_recipient":
      return intl.formatMessage(
        {
          id: "notifications.noRecipient",
          defaultMessage:
            "Nobody was notified of a new lead of type {leadType}: add a referral admin’s email in Settings, or give someone the Referrals admin role.",
        },
        { leadType: item.lead_type ? label(intl, LEAD_TYPE_LABELS, item.lead_type) : NONE },
      );
    case "webhook_disabled":
      return intl.formatMessage({
        id: "notifications.webhookDisabled",
        defaultMessage:
          "Deliveries to your CRM endpoint failed for 5 days, so it is disabled: fix it, enable it again under Integrations and retry what it missed.",
      });
    default:
      return item.message;
  }
}

/** The action center: what needs the partner's attention, newest first, read or unread, open or
 * resolved (resolved items stay readable). */
export function NotificationsPage() {
  const intl = useIntl();
  const format = useFormats();
  const [state, setState] = useState<NotificationState>("all");
  const feed = useNotifications(state);
  const markRead = useMarkRead();
  const mayMark = canChangeSettings(currentSession());
  const items = feed.data?.pages.flatMap((page) => page.items) ?? [];
  const unread = feed.data?.pages[0]?.unread ?? 0;
  const open = feed.data?.pages[0]?.open ?? 0;
  const unreadText = intl.formatMessage({ id: "notifications.unread", defaultMessage: "{count} unread" }, { count: unread });
  const openText = intl.formatMessage(OPEN.count, { count: open });
  return (
    <section aria-labelledby="notifications-title">
      <div className="page-head">
        <h1 id="notifications-title">
          <FormattedMessage id="frame.actionCenter" defaultMessage="Action center" />
        </h1>
        <Badge appearance={open ? "filled" : "tint"} aria-label={openText}>
          {openText}
        </Badge>
        <Badge appearance="tint" aria-label={unreadText}>
          {unreadText}
        </Badge>
        {mayMark && unread > 0 && (
          <Button onClick={() => markRead.mutate("all")} disabled={markRead.isPending}>
            <FormattedMessage id="notifications.markAllRead" defaultMessage="Mark all read" />
          </Button>
        )}
      </div>
      <TabList
        className="tabs"
        selectedValue={state}
        onTabSelect={(_, data) => setState(data.value as NotificationState)}
        aria-label={intl.formatMessage({ id: "notifications.stateFilter", defaultMessage: "Show" })}
      >
        {(["all", "open", "resolved"] as const).map((value) => (
          <Tab key={value} value={value}>
            {label(intl, STATE_LABELS, value)}
          </Tab>
        ))}
      </TabList>
      {markRead.isError && <ProblemBar error={markRead.error} />}
      {feed.isPending && (
        <Spinner label={intl.formatMessage({ id: "notifications.loading", defaultMessage: "Loading the action center…" })} />
      )}
      {feed.isError && <ProblemBar error={feed.error} retry={() => void feed.refetch()} />}
      {feed.isSuccess && items.length === 0 && (
        <MessageBar intent="info">
          <MessageBarBody>
            <FormattedMessage id="notifications.empty" defaultMessage="Nothing needs your attention." />
          </MessageBarBody>
        </MessageBar>
      )}
      {items.length > 0 && (
        <ul className="feed" aria-label={intl.formatMessage({ id: "notifications.list", defaultMessage: "Notifications" })}>
          {items.map((item) => (
            <li
              key={item.notification_id}
              className={["feed-item", item.read ? "" : "unread", item.state === "resolved" ? "resolved" : ""].join(" ").trim()}
            >
              <div>
                <Text weight={item.read ? "regular" : "semibold"}>{label(intl, KIND_LABELS, item.kind)}</Text>
                {item.state === "resolved" && (
                  <Badge appearance="outline" color="success" size="small">
                    <FormattedMessage id="notifications.itemResolved" defaultMessage="Resolved" />
                  </Badge>
                )}
                {item.flame && item.state !== "resolved" && <FlameBadge flame={item.flame} />}
                <Text className="note">{format.dateTime(item.at)}</Text>
              </div>
              <Text block>{describe(intl, item)}</Text>
              <Text block className="note">
                {[item.company, item.lead_type ? label(intl, LEAD_TYPE_LABELS, item.lead_type) : null, item.recipient, item.reason]
                  .filter(Boolean)
                  .join(" · ")}
              </Text>
              <div className="feed-links">
                {item.lead_id && (
                  <Link to={`/leads/${item.lead_id}`}>
                    <FormattedMessage id="notifications.openLead" defaultMessage="Open the lead" />
                  </Link>
                )}
                {item.export_id && (
                  <Link to={`/exports/${item.export_id}`}>
                    <FormattedMessage id="notifications.openExport" defaultMessage="Open the export" />
                  </Link>
                )}
                {mayMark && !item.read && (
                  <Button size="small" onClick={() => markRead.mutate(item.notification_id)}>
                    <FormattedMessage id="notifications.markRead" defaultMessage="Mark read" />
                  </Button>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
      {feed.hasNextPage && (
        <Button onClick={() => void feed.fetchNextPage()} disabled={feed.isFetchingNextPage}>
          {feed.isFetchingNextPage ? (
            <FormattedMessage id="common.loading" defaultMessage="Loading…" />
          ) : (
            <FormattedMessage id="common.loadMore" defaultMessage="Load more" />
          )}
        </Button>
      )}
    </section>
  );
}
