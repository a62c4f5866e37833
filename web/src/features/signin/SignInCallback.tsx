import { Spinner } from "@fluentui/react-components";
import { useEffect, useState } from "react";
import { useNavigate } from "react-router-dom";
import { finishHostedSignIn } from "../../auth/signin";

/** Where Cognito's hosted UI returns with an authorization code. */
export function SignInCallback() {
  const navigate = useNavigate();
  const [error, setError] = useState<string>();
  useEffect(() => {
    finishHostedSignIn()
      .then(() => navigate("/", { replace: true }))
      .catch((failure: Error) => setError(failure.message));
  }, [navigate]);
  return error ? <p role="alert">Sign-in failed: {error}</p> : <Spinner label="Signing in…" />;
}
