import { Button, MessageBar, MessageBarActions, MessageBarBody, MessageBarTitle } from "@fluentui/react-components";
import { ApiError } from "../api/client";

/** What went wrong, in the API's words, with a way to try again. */
export function ProblemBar({ error, retry }: { error: Error; retry?: () => void }) {
  const status = error instanceof ApiError ? error.status : undefined;
  const title = status === 404 ? "Not found" : status && status < 500 ? "Refused" : "Something went wrong";
  return (
    <MessageBar intent="error" role="alert">
      <MessageBarBody>
        <MessageBarTitle>{title}</MessageBarTitle>
        {error.message}
      </MessageBarBody>
      {retry && (
        <MessageBarActions>
          <Button onClick={retry}>Try again</Button>
        </MessageBarActions>
      )}
    </MessageBar>
  );
}
