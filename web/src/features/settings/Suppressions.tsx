import { Button, Spinner, Text } from "@fluentui/react-components";
import { FormattedMessage, useIntl } from "react-intl";
import { canAct, currentSession } from "../../auth/session";
import { ProblemBar } from "../../components/ProblemBar";
import { defineMessages, useFormats } from "../../i18n";
import { label } from "../../labels";
import { useClearSuppression, useSuppressions } from "./queries";

const KIND_LABELS = defineMessages({
  bounce: { id: "suppressions.kind.bounce", defaultMessage: "Bounced for good" },
  complaint: { id: "suppressions.kind.complaint", defaultMessage: "Marked as spam" },
});

/** Addresses LeadDesk no longer emails for the partner (a hard bounce or a complaint), each with
 * a Clear action for referral admins. */
export function Suppressions() {
  const intl = useIntl();
  const format = useFormats();
  const suppressions = useSuppressions();
  const clear = useClearSuppression();
  const mayClear = canAct(currentSession());
  const title = intl.formatMessage({ id: "suppressions.title", defaultMessage: "Addresses no longer emailed" });
  return (
    <section aria-labelledby="suppressions-title" className="settings-form">
      <h2 id="suppressions-title">{title}</h2>
      <Text>
        <FormattedMessage
          id="suppressions.explain"
          defaultMessage="When an email bounces for good or its recipient marks it as spam, LeadDesk sends nothing more to that address until it is cleared here."
        />
      </Text>
      {suppressions.isPending && (
        <Spinner label={intl.formatMessage({ id: "suppressions.loading", defaultMessage: "Loading the addresses…" })} />
      )}
      {suppressions.isError && <ProblemBar error={suppressions.error} retry={() => void suppressions.refetch()} />}
      {clear.isError && <ProblemBar error={clear.error} />}
      {suppressions.data?.length === 0 && (
        <Text>
          <FormattedMessage id="suppressions.none" defaultMessage="None: every address is emailed." />
        </Text>
      )}
      {suppressions.data && suppressions.data.length > 0 && (
        <ul className="suppressions" aria-label={title}>
          {suppressions.data.map((item) => (
            <li key={item.address}>
              <FormattedMessage
                id="suppressions.entry"
                defaultMessage="<b>{address}</b> — {kind}, {at}"
                values={{
                  b: (chunks: React.ReactNode[]) => <Text weight="semibold">{chunks}</Text>,
                  address: item.address,
                  kind: label(intl, KIND_LABELS, item.kind),
                  at: format.dateTime(item.at),
                }}
              />
              {mayClear && (
                <Button
                  size="small"
                  disabled={clear.isPending}
                  aria-label={intl.formatMessage(
                    { id: "suppressions.clearAddress", defaultMessage: "Clear {address}" },
                    { address: item.address },
                  )}
                  onClick={() => clear.mutate(item.address)}
                >
                  <FormattedMessage id="suppressions.clear" defaultMessage="Clear" />
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
