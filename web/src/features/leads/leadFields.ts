// The lead's deal and evaluation fields, named alike on its page and in the forms that change them.
import { defineMessages } from "../../i18n";

export const LEAD_FIELDS = defineMessages({
  dealName: { id: "deal.name", defaultMessage: "Deal name" },
  estimatedValue: { id: "deal.estimatedValue", defaultMessage: "Estimated value" },
  estimatedCloseDate: { id: "deal.estimatedCloseDate", defaultMessage: "Estimated close date" },
  crmId: { id: "deal.crmId", defaultMessage: "CRM id" },
  campaignId: { id: "deal.campaignId", defaultMessage: "Campaign id" },
  budget: { id: "evaluation.budget", defaultMessage: "Budget" },
  need: { id: "evaluation.need", defaultMessage: "Need" },
  timeline: { id: "evaluation.timeline", defaultMessage: "Timeline" },
});

/** What won and convert still need (the lead's `missing_steps`). */
export const MISSING_STEP_LABELS = defineMessages({
  qualify: { id: "missingStep.qualify", defaultMessage: "qualification" },
  customer_responded: { id: "missingStep.customer_responded", defaultMessage: "the customer's response" },
  evaluate: { id: "missingStep.evaluate", defaultMessage: "evaluation (budget, authority, need, timeline)" },
});
