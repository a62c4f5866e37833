import { Text } from "@fluentui/react-components";
import type { LeadEmail } from "../../api/client";
import { when } from "../../labels";

const KIND_LABELS: Record<string, string> = {
  new_lead: "New-lead email",
  expiring_soon: "Expiring-soon reminder",
  declined: "Decline email to the customer",
  expired: "Expiry email to the referrer",
};
const OUTCOME_LABELS: Record<LeadEmail["outcome"], string> = {
  sent: "sent",
  failed: "not delivered",
  unconfirmed: "may not have arrived",
  suppressed: "not sent: the address bounced or complained earlier",
};

/** The emails LeadDesk sent (or did not) about the lead, part of its history. */
export function LeadEmails({ emails }: { emails: LeadEmail[] }) {
  if (emails.length === 0) return null;
  return (
    <ol className="history" aria-label="Emails about this lead">
      {emails.map((email) => (
        <li key={`${email.kind}-${email.outcome}`}>
          <Text weight="semibold">{KIND_LABELS[email.kind] ?? email.kind}</Text> to {email.recipients.join(", ")},{" "}
          {when(email.at)}: {OUTCOME_LABELS[email.outcome]}
          {email.reason ? ` (${email.reason})` : ""}
        </li>
      ))}
    </ol>
  );
}
