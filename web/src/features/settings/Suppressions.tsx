import { Button, Spinner, Text } from "@fluentui/react-components";
import { canAct, currentSession } from "../../auth/session";
import { ProblemBar } from "../../components/ProblemBar";
import { when } from "../../labels";
import { useClearSuppression, useSuppressions } from "./queries";

const KIND_LABELS = { bounce: "Bounced for good", complaint: "Marked as spam" } as const;

/** Addresses LeadDesk no longer emails for the partner (a hard bounce or a complaint), each with
 * a Clear action for referral admins. */
export function Suppressions() {
  const suppressions = useSuppressions();
  const clear = useClearSuppression();
  const mayClear = canAct(currentSession());
  return (
    <section aria-labelledby="suppressions-title" className="settings-form">
      <h2 id="suppressions-title">Addresses no longer emailed</h2>
      <Text>
        When an email bounces for good or its recipient marks it as spam, LeadDesk sends nothing more to that address
        until it is cleared here.
      </Text>
      {suppressions.isPending && <Spinner label="Loading the addresses…" />}
      {suppressions.isError && <ProblemBar error={suppressions.error} retry={() => void suppressions.refetch()} />}
      {clear.isError && <ProblemBar error={clear.error} />}
      {suppressions.data?.length === 0 && <Text>None: every address is emailed.</Text>}
      {suppressions.data && suppressions.data.length > 0 && (
        <ul className="suppressions" aria-label="Addresses no longer emailed">
          {suppressions.data.map((item) => (
            <li key={item.address}>
              <Text weight="semibold">{item.address}</Text> — {KIND_LABELS[item.kind]}, {when(item.at)}
              {mayClear && (
                <Button
                  size="small"
                  disabled={clear.isPending}
                  aria-label={`Clear ${item.address}`}
                  onClick={() => clear.mutate(item.address)}
                >
                  Clear
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
