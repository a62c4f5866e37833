import { Badge } from "@fluentui/react-components";
import { FormattedMessage, useIntl } from "react-intl";
import type { components } from "../api/schema";
import { NONE } from "../labels";

/** The flame: the customer asked to be contacted (hot for 72 hours, then cooling). */
export function FlameBadge({ flame }: { flame: components["schemas"]["Flame"] }) {
  const intl = useIntl();
  if (flame === "hot") {
    return (
      <Badge color="danger" appearance="filled">
        <FormattedMessage id="flame.hot" defaultMessage="Hot" />
      </Badge>
    );
  }
  if (flame === "cooling") {
    return (
      <Badge color="warning" appearance="tint">
        <FormattedMessage id="flame.cooling" defaultMessage="Cooling" />
      </Badge>
    );
  }
  return <span aria-label={intl.formatMessage({ id: "flame.none", defaultMessage: "No flame" })}>{NONE}</span>;
}
