import { Button, Card, Field, Input, MessageBar, MessageBarBody, Title2 } from "@fluentui/react-components";
import { useState, type FormEvent } from "react";
import { FormattedMessage, useIntl } from "react-intl";
import { useLocation, useNavigate } from "react-router-dom";
import { config } from "../../config";
import { startHostedSignIn, signInLocally } from "../../auth/signin";
import type { Role } from "../../auth/session";
import { ChoiceDropdown } from "../../components/ChoiceDropdown";
import { LanguagePicker } from "../../components/LanguagePicker";
import { ROLE_LABELS } from "../../labels";

/** The local stack's sign-in form (Partner, Role, Sign in), or the way to Cognito's hosted UI. */
export function SignInPage() {
  const intl = useIntl();
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
      setError(intl.formatMessage({ id: "signin.partnerRequired", defaultMessage: "Enter the partner to sign in as." }));
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
        <div className="signin-head">
          <Title2 as="h1">
            <FormattedMessage id="signin.title" defaultMessage="Sign in to LeadDesk" />
          </Title2>
          <LanguagePicker />
        </div>
        {notice && (
          <MessageBar intent="warning">
            <MessageBarBody>{notice}</MessageBarBody>
          </MessageBar>
        )}
        {local ? (
          <form onSubmit={submit} className="signin-form">
            <Field label={intl.formatMessage({ id: "signin.partner", defaultMessage: "Partner" })} required validationMessage={error}>
              <Input value={partner} onChange={(_, data) => setPartner(data.value)} autoComplete="off" />
            </Field>
            <Field label={intl.formatMessage({ id: "signin.role", defaultMessage: "Role" })} required>
              <ChoiceDropdown labels={ROLE_LABELS} value={role} onChange={setRole} />
            </Field>
            <Button appearance="primary" type="submit" disabled={busy}>
              <FormattedMessage id="signin.submit" defaultMessage="Sign in" />
            </Button>
          </form>
        ) : (
          <Button appearance="primary" onClick={() => void startHostedSignIn()}>
            <FormattedMessage id="signin.submit" defaultMessage="Sign in" />
          </Button>
        )}
      </Card>
    </main>
  );
}
