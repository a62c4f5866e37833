import { Button, MessageBar, MessageBarActions, MessageBarBody, MessageBarTitle } from "@fluentui/react-components";
import { FormattedMessage, useIntl } from "react-intl";
import { ApiError } from "../api/client";

/** What went wrong, in the API's words, with a way to try again. */
export function ProblemBar({ error, retry }: { error: Error; retry?: () => void }) {
  const intl = useIntl();
  const status = error instanceof ApiError ? error.status : undefined;
  const title =
    status === 404
      ? intl.formatMessage({ id: "problem.notFound", defaultMessage: "Not found" })
      : status && status < 500
        ? intl.formatMessage({ id: "problem.refused", defaultMessage: "Refused" })
        : intl.formatMessage({ id: "problem.failed", defaultMessage: "Something went wrong" });
  return (
    <MessageBar intent="error" role="alert">
      <MessageBarBody>
        <MessageBarTitle>{title}</MessageBarTitle>
        {error.message}
      </MessageBarBody>
      {retry && (
        <MessageBarActions>
          <Button onClick={retry}>
            <FormattedMessage id="problem.retry" defaultMessage="Try again" />
          </Button>
        </MessageBarActions>
      )}
    </MessageBar>
  );
}
