import { Button, Card, Dropdown, Field, Input, MessageBar, MessageBarBody, Option, Title2 } from "@fluentui/react-components";
import { useState, type FormEvent } from "react";
import { useLocation, useNavigate } from "react-router-dom";
import { config } from "../../config";
import { startHostedSignIn, signInLocally } from "../../auth/signin";
import type { Role } from "../../auth/session";

const ROLES: { value: Role; label: string }[] = [
  { value: "referrals_admin", label: "Referrals admin" },
  { value: "profile_admin", label: "Profile admin" },
  { value: "viewer", label: "Viewer" },
];

/** The local stack's sign-in form (Partner, Role, Sign in), or the way to Cognito's hosted UI. */
export function SignInPage() {
  const navigate = useNavigate();
  const location = useLocation();
  const notice = (location.state as { notice?: string } | null)?.notice;
  const [partner, setPartner] = useState("p-contoso");
  const [role, setRole] = useState<Role>("referrals_admin");
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const local = config().auth.mode === "local";

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!partner.trim()) {
      setError("Enter the partner to sign in as.");
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await signInLocally(partner.trim(), role);
      navigate("/", { replace: true });
    } catch (failure) {
      setError((failure as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="signin">
      <Card className="signin-card">
        <Title2 as="h1">Sign in to LeadDesk</Title2>
        {notice && (
          <MessageBar intent="warning">
            <MessageBarBody>{notice}</MessageBarBody>
          </MessageBar>
        )}
        {local ? (
          <form onSubmit={submit} className="signin-form">
            <Field label="Partner" required validationMessage={error}>
              <Input value={partner} onChange={(_, data) => setPartner(data.value)} autoComplete="off" />
            </Field>
            <Field label="Role" required>
              <Dropdown
                value={ROLES.find((r) => r.value === role)?.label}
                selectedOptions={[role]}
                onOptionSelect={(_, data) => setRole(data.optionValue as Role)}
              >
                {ROLES.map((r) => (
                  <Option key={r.value} value={r.value}>
                    {r.label}
                  </Option>
                ))}
              </Dropdown>
            </Field>
            <Button appearance="primary" type="submit" disabled={busy}>
              Sign in
            </Button>
          </form>
        ) : (
          <Button appearance="primary" onClick={() => void startHostedSignIn()}>
            Sign in
          </Button>
        )}
      </Card>
    </main>
  );
}
