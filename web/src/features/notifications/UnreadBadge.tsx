import { Badge } from "@fluentui/react-components";
import { useIntl } from "react-intl";
import { useUnreadCount } from "./queries";

/** The action center's unread count, in its own component: its queries' changes re-render it
 * alone, never the frame (whose redirect on an expired session must keep its notice). */
export function UnreadBadge() {
  const intl = useIntl();
  const unread = useUnreadCount();
  if (!unread.data) return null;
  return (
    <Badge
      appearance="filled"
      size="small"
      className="count"
      aria-label={intl.formatMessage({ id: "notifications.unread", defaultMessage: "{count} unread" }, { count: unread.data })}
    >
      {intl.formatNumber(unread.data)}
    </Badge>
  );
}
