import { Badge } from "@fluentui/react-components";
import { useIntl } from "react-intl";
import { defineMessages } from "../../i18n";
import { useOpenCount } from "./queries";

/** The open count, also the action center's own badge. */
export const OPEN = defineMessages({
  count: { id: "notifications.openCount", defaultMessage: "{count} open" },
});

/** The action center's open count — items that still ask for something —, in its own component:
 * its queries' changes re-render it alone, never the frame (whose redirect on an expired session
 * must keep its notice). */
export function OpenBadge() {
  const intl = useIntl();
  const open = useOpenCount();
  if (!open.data) return null;
  return (
    <Badge
      appearance="filled"
      size="small"
      className="count"
      aria-label={intl.formatMessage(OPEN.count, { count: open.data })}
    >
      {intl.formatNumber(open.data)}
    </Badge>
  );
}
