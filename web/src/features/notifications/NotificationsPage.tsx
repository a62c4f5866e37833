import { Badge, Button, MessageBar, MessageBarBody, Spinner, Text } from "@fluentui/react-components";
import { Link } from "react-router-dom";
import type { ActionItem } from "../../api/client";
import { canChangeSettings, currentSession } from "../../auth/session";
import { FlameBadge } from "../../components/FlameBadge";
import { ProblemBar } from "../../components/ProblemBar";
import { LEAD_TYPE_LABELS, when } from "../../labels";
import { useMarkRead, useNotifications } from "./queries";

const KIND_LABELS: Record<ActionItem["kind"], string> = {
  new_lead: "New lead",
  expiring_soon: "Expiring soon",
  export_ready: "Export ready",
  export_failed: "Export failed",
  send_failed: "Email not delivered",
  send_unconfirmed: "Email may not have arrived",
};

/** The action center: what needs the partner's attention, newest first, read or unread. */
export function NotificationsPage() {
  const feed = useNotifications();
  const markRead = useMarkRead();
  const mayMark = canChangeSettings(currentSession());
  const items = feed.data?.pages.flatMap((page) => page.items) ?? [];
  const unread = feed.data?.pages[0]?.unread ?? 0;
  return (
    <section aria-labelledby="notifications-title">
      <div className="page-head">
        <h1 id="notifications-title">Action center</h1>
        <Badge appearance={unread ? "filled" : "tint"} aria-label={`${unread} unread`}>
          {unread} unread
        </Badge>
        {mayMark && unread > 0 && (
          <Button onClick={() => markRead.mutate("all")} disabled={markRead.isPending}>
            Mark all read
          </Button>
        )}
      </div>
      {markRead.isError && <ProblemBar error={markRead.error} />}
      {feed.isPending && <Spinner label="Loading the action center…" />}
      {feed.isError && <ProblemBar error={feed.error} retry={() => void feed.refetch()} />}
      {feed.isSuccess && items.length === 0 && (
        <MessageBar intent="info">
          <MessageBarBody>Nothing needs your attention.</MessageBarBody>
        </MessageBar>
      )}
      {items.length > 0 && (
        <ul className="feed" aria-label="Notifications">
          {items.map((item) => (
            <li key={item.notification_id} className={item.read ? "feed-item" : "feed-item unread"}>
              <div>
                <Text weight={item.read ? "regular" : "semibold"}>{KIND_LABELS[item.kind]}</Text>
                {item.flame && <FlameBadge flame={item.flame} />}
                <Text className="note"> · {when(item.at)}</Text>
              </div>
              <Text block>{item.message}</Text>
              <Text block className="note">
                {[item.company, item.lead_type ? LEAD_TYPE_LABELS[item.lead_type] : null, item.recipient, item.reason]
                  .filter(Boolean)
                  .join(" · ")}
              </Text>
              <div className="feed-links">
                {item.lead_id && <Link to={`/leads/${item.lead_id}`}>Open the lead</Link>}
                {item.export_id && <Link to={`/exports/${item.export_id}`}>Open the export</Link>}
                {mayMark && !item.read && (
                  <Button size="small" onClick={() => markRead.mutate(item.notification_id)}>
                    Mark read
                  </Button>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
      {feed.hasNextPage && (
        <Button onClick={() => void feed.fetchNextPage()} disabled={feed.isFetchingNextPage}>
          {feed.isFetchingNextPage ? "Loading…" : "Load more"}
        </Button>
      )}
    </section>
  );
}
