import { Text } from "@fluentui/react-components";
import { FormattedMessage, useIntl } from "react-intl";
import type { LeadEmail } from "../../api/client";
import { defineMessages, useFormats } from "../../i18n";
import { label } from "../../labels";

const KIND_LABELS = defineMessages({
  new_lead: { id: "leadEmails.kind.new_lead", defaultMessage: "New-lead email" },
  expiring_soon: { id: "leadEmails.kind.expiring_soon", defaultMessage: "Expiring-soon reminder" },
  declined: { id: "leadEmails.kind.declined", defaultMessage: "Decline email to the customer" },
  expired: { id: "leadEmails.kind.expired", defaultMessage: "Expiry email to the referrer" },
});
const OUTCOME_LABELS = defineMessages({
  sent: { id: "leadEmails.outcome.sent", defaultMessage: "sent" },
  failed: { id: "leadEmails.outcome.failed", defaultMessage: "not delivered" },
  unconfirmed: { id: "leadEmails.outcome.unconfirmed", defaultMessage: "may not have arrived" },
  suppressed: { id: "leadEmails.outcome.suppressed", defaultMessage: "not sent: the address bounced or complained earlier" },
});

/** The emails LeadDesk sent (or did not) about the lead, part of its history. */
export function LeadEmails({ emails }: { emails: LeadEmail[] }) {
  const intl = useIntl();
  const format = useFormats();
  if (emails.length === 0) return null;
  const entry = (email: LeadEmail) => ({
    b: (chunks: React.ReactNode[]) => <Text weight="semibold">{chunks}</Text>,
    kind: label(intl, KIND_LABELS, email.kind),
    recipients: email.recipients.join(", "),
    at: format.dateTime(email.at),
    outcome: label(intl, OUTCOME_LABELS, email.outcome),
  });
  return (
    <ol className="history" aria-label={intl.formatMessage({ id: "leadEmails.list", defaultMessage: "Emails about this lead" })}>
      {emails.map((email, index) => (
        <li key={index}>
          {email.reason ? (
            <FormattedMessage
              id="leadEmails.entryWithReason"
              defaultMessage="<b>{kind}</b> to {recipients}, {at}: {outcome} ({reason})"
              values={{ ...entry(email), reason: email.reason }}
            />
          ) : (
            <FormattedMessage id="leadEmails.entry" defaultMessage="<b>{kind}</b> to {recipients}, {at}: {outcome}" values={entry(email)} />
          )}
        </li>
      ))}
    </ol>
  );
}
