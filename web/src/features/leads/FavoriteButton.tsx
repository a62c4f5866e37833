import { Heart20Filled, Heart20Regular } from "@fluentui/react-icons";
import type { Lead } from "../../api/client";
import { useFavorite } from "./queries";

/** The heart: a bookmark on any lead (people who may act on leads only). A plain toggle button:
 * one per row, so it stays light. */
export function FavoriteButton({ lead, canAct }: { lead: Lead; canAct: boolean }) {
  const favorite = useFavorite(lead.lead_id);
  const company = lead.customer.company || "this lead";
  if (!canAct) {
    return lead.favorite ? <Heart20Filled aria-label={`${company} is a favorite`} role="img" /> : <span aria-hidden>—</span>;
  }
  return (
    <button
      type="button"
      className="heart"
      aria-pressed={lead.favorite}
      aria-label={lead.favorite ? `Remove ${company} from favorites` : `Mark ${company} as favorite`}
      disabled={favorite.isPending}
      onClick={() => favorite.mutate(!lead.favorite)}
    >
      {lead.favorite ? <Heart20Filled /> : <Heart20Regular />}
    </button>
  );
}
