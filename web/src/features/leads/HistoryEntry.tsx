// A history entry as a person reads it: what moved, each edited field's old and new value, and
// who made the change.
import { Text } from "@fluentui/react-components";
import { FormattedMessage, useIntl, type IntlShape, type MessageDescriptor } from "react-intl";
import type { Lead } from "../../api/client";
import { defineMessages, type Formats } from "../../i18n";
import {
  ACTION_LABELS,
  BUDGET_LABELS,
  CLOSE_REASON_LABELS,
  ERROR_REASON_LABELS,
  label,
  NEED_LABELS,
  NONE,
  OUTCOME_LABELS,
  STATUS_LABELS,
  TIMELINE_LABELS,
  YES_NO,
} from "../../labels";
import { LEAD_FIELDS } from "./leadFields";

/** The evaluation's yes/no answers, named as the lead page names them. */
const EVALUATION = defineMessages({
  customerResponded: { id: "evaluation.customerResponded", defaultMessage: "Customer responded" },
  authority: { id: "evaluation.authority", defaultMessage: "Decision maker identified" },
});

const CHANGED_FIELDS = defineMessages({
  deal_notes: { id: "deal.notes", defaultMessage: "Deal notes" },
  currency: { id: "deal.currency", defaultMessage: "Currency" },
  team: { id: "deal.team", defaultMessage: "Team" },
  qualification: { id: "history.qualification", defaultMessage: "Qualification" },
  evaluation: { id: "history.evaluation", defaultMessage: "Evaluation" },
  closure: { id: "history.closure", defaultMessage: "Reason" },
  opportunity_id: { id: "deal.opportunity", defaultMessage: "Opportunity" },
});

/** Fields a history entry's status line already tells, or that say nothing to a person. */
const UNTOLD = new Set(["status", "outcome", "flame", "expiry_reminded_at"]);


export function HistoryEntry({ entry, format }: { entry: Lead["history"][number]; format: Formats }) {
  const intl = useIntl();
  const moved = entry.from_status !== entry.to_status || entry.from_outcome !== entry.to_outcome;
  const changes = (entry.changes ?? []).filter((change) => !UNTOLD.has(change.field));
  const actor =
    entry.actor === "system"
      ? intl.formatMessage({ id: "history.system", defaultMessage: "LeadDesk (timed rule)" })
      : (entry.actor_name ?? entry.actor);
  const status = (value: string, outcome?: string | null) =>
    outcome ? `${label(intl, STATUS_LABELS, value)} (${label(intl, OUTCOME_LABELS, outcome)})` : label(intl, STATUS_LABELS, value);
  return (
    <>
      <FormattedMessage
        id="lead.historyHead"
        defaultMessage="<b>{action}</b> by {actor}, {at}"
        values={{
          b: (chunks) => <Text weight="semibold">{chunks}</Text>,
          action: label(intl, ACTION_LABELS, entry.action),
          actor,
          at: format.dateTime(entry.at),
        }}
      />
      {moved && (
        <>
          {": "}
          {intl.formatMessage(
            { id: "history.moved", defaultMessage: "{from} → {to}" },
            { from: status(entry.from_status, entry.from_outcome), to: status(entry.to_status, entry.to_outcome) },
          )}
        </>
      )}
      {changes.length > 0 && (
        <ul className="changes">
          {changes.map((change) => (
            <li key={change.field}>
              {intl.formatMessage(
                { id: "history.change", defaultMessage: "{field}: {from} → {to}" },
                {
                  field: fieldName(intl, change.field),
                  from: changedValue(intl, format, change.field, change.from),
                  to: changedValue(intl, format, change.field, change.to),
                },
              )}
            </li>
          ))}
        </ul>
      )}
      {entry.notes ? <div className="note">{entry.notes}</div> : null}
    </>
  );
}

function fieldName(intl: IntlShape, field: string): string {
  const known: Record<string, MessageDescriptor | undefined> = {
    deal_name: LEAD_FIELDS.dealName,
    estimated_value: LEAD_FIELDS.estimatedValue,
    estimated_close_date: LEAD_FIELDS.estimatedCloseDate,
    crm_id: LEAD_FIELDS.crmId,
    campaign_id: LEAD_FIELDS.campaignId,
    ...CHANGED_FIELDS,
  };
  const descriptor = known[field];
  return descriptor ? intl.formatMessage(descriptor) : field;
}

/** A field's value before or after a change, as a person reads it. */
function changedValue(intl: IntlShape, format: Formats, field: string, value: unknown): string {
  if (value == null || value === "") return NONE;
  const yesNo = (flag: unknown) => intl.formatMessage(flag ? YES_NO.yes : YES_NO.no);
  switch (field) {
    case "estimated_value":
      return typeof value === "number" ? format.number(value) : String(value);
    case "estimated_close_date":
      return format.date(String(value)) ?? NONE;
    case "team":
      return Array.isArray(value) && value.length
        ? intl.formatList(value.map((member) => String((member as { name?: unknown }).name ?? "")))
        : NONE;
    case "qualification": {
      const record = value as { customer_responded?: boolean };
      return `${intl.formatMessage(EVALUATION.customerResponded)}: ${yesNo(record.customer_responded)}`;
    }
    case "evaluation": {
      const record = value as { budget?: string | null; authority?: boolean | null; need?: string | null; timeline?: string | null };
      const parts = [
        record.budget ? label(intl, BUDGET_LABELS, record.budget) : undefined,
        record.authority == null ? undefined : `${intl.formatMessage(EVALUATION.authority)}: ${yesNo(record.authority)}`,
        record.need ? label(intl, NEED_LABELS, record.need) : undefined,
        record.timeline ? label(intl, TIMELINE_LABELS, record.timeline) : undefined,
      ].filter((part): part is string => Boolean(part));
      return parts.length ? intl.formatList(parts) : NONE;
    }
    case "closure": {
      const record = value as { reason?: string | null; error_reason?: string | null };
      if (record.reason) return label(intl, CLOSE_REASON_LABELS, record.reason);
      if (record.error_reason) return label(intl, ERROR_REASON_LABELS, record.error_reason);
      return NONE;
    }
    default:
      return typeof value === "object" ? JSON.stringify(value) : String(value);
  }
}
