import { Badge } from "@fluentui/react-components";
import type { components } from "../api/schema";

/** The flame: the customer asked to be contacted (hot for 72 hours, then cooling). */
export function FlameBadge({ flame }: { flame: components["schemas"]["Flame"] }) {
  if (flame === "hot") {
    return (
      <Badge color="danger" appearance="filled">
        Hot
      </Badge>
    );
  }
  if (flame === "cooling") {
    return (
      <Badge color="warning" appearance="tint">
        Cooling
      </Badge>
    );
  }
  return <span aria-label="No flame">—</span>;
}
