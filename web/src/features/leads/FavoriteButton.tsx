import { Heart20Filled, Heart20Regular } from "@fluentui/react-icons";
import { useIntl } from "react-intl";
import type { Lead } from "../../api/client";
import { NONE } from "../../labels";
import { useFavorite } from "./queries";

/** The heart: a bookmark on any lead (people who may act on leads only). A plain toggle button:
 * one per row, so it stays light. */
export function FavoriteButton({ lead, canAct }: { lead: Lead; canAct: boolean }) {
  const intl = useIntl();
  const favorite = useFavorite(lead.lead_id);
  const company = lead.customer.company || intl.formatMessage({ id: "favorite.thisLead", defaultMessage: "this lead" });
  if (!canAct) {
    return lead.favorite ? (
      <Heart20Filled
        aria-label={intl.formatMessage({ id: "favorite.is", defaultMessage: "{company} is a favorite" }, { company })}
        role="img"
      />
    ) : (
      <span aria-hidden>{NONE}</span>
    );
  }
  return (
    <button
      type="button"
      className="heart"
      aria-pressed={lead.favorite}
      aria-label={
        lead.favorite
          ? intl.formatMessage({ id: "favorite.remove", defaultMessage: "Remove {company} from favorites" }, { company })
          : intl.formatMessage({ id: "favorite.add", defaultMessage: "Mark {company} as favorite" }, { company })
      }
      disabled={favorite.isPending}
      onClick={() => favorite.mutate(!lead.favorite)}
    >
      {lead.favorite ? <Heart20Filled /> : <Heart20Regular />}
    </button>
  );
}
