import { Spinner } from "@fluentui/react-components";
import { useEffect, useState } from "react";
import { FormattedMessage, useIntl } from "react-intl";
import { useNavigate } from "react-router-dom";
import { finishHostedSignIn } from "../../auth/signin";

/** Where Cognito's hosted UI returns with an authorization code. */
export function SignInCallback() {
  const intl = useIntl();
  const navigate = useNavigate();
  const [error, setError] = useState<string>();
  useEffect(() => {
    finishHostedSignIn()
      .then(() => navigate("/", { replace: true }))
      .catch((failure: Error) => setError(failure.message));
  }, [navigate]);
  return error ? (
    <p role="alert">
      <FormattedMessage id="signin.failed" defaultMessage="Sign-in failed: {error}" values={{ error }} />
    </p>
  ) : (
    <Spinner label={intl.formatMessage({ id: "signin.signingIn", defaultMessage: "Signing in…" })} />
  );
}
