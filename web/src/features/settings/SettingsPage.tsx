import {
  Button,
  Dropdown,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  Option,
  Spinner,
  Textarea,
} from "@fluentui/react-components";
import { useState } from "react";
import { FormattedMessage, useIntl } from "react-intl";
import { ApiError, type Language, type NotificationSettings, type SettingsUpdate } from "../../api/client";
import { canChangeSettings, currentSession } from "../../auth/session";
import { ProblemBar } from "../../components/ProblemBar";
import { LANGUAGES } from "../../i18n";
import { label, LEAD_TYPE_LABELS } from "../../labels";
import { useSaveSettings, useSettings } from "./queries";
import { Suppressions } from "./Suppressions";
import { parseLocations, parseEmails, type FormProblems } from "./settingsForm";

/** Who is emailed about new leads, and in which language. */
export function SettingsPage() {
  const intl = useIntl();
  const settings = useSettings();
  return (
    <section aria-labelledby="settings-title">
      <div className="page-head">
        <h1 id="settings-title">
          <FormattedMessage id="settings.title" defaultMessage="Notification settings" />
        </h1>
      </div>
      {settings.isPending && <Spinner label={intl.formatMessage({ id: "settings.loading", defaultMessage: "Loading the settings…" })} />}
      {settings.isError && <ProblemBar error={settings.error} retry={() => void settings.refetch()} />}
      {settings.data && <Reach settings={settings.data} />}
      {settings.data && <SettingsForm saved={settings.data} editable={canChangeSettings(currentSession())} />}
      <Suppressions />
    </section>
  );
}

/** Who the saved settings reach: the lead types that would notify nobody (a warning), and the
 * people with the Referrals admin role who stand in while no referral admin email is set. */
function Reach({ settings }: { settings: NotificationSettings }) {
  const intl = useIntl();
  const unreached = settings.unreached_lead_types ?? [];
  const users = settings.referrals_admin_users ?? [];
  const usersStandIn = (settings.referral_admin_emails ?? []).length === 0 && users.length > 0;
  return (
    <div className="reach">
      {unreached.length > 0 && (
        <MessageBar intent="warning" role="alert">
          <MessageBarBody>
            <FormattedMessage
              id="settings.unreached"
              defaultMessage="New leads of these types would notify nobody: {types}. Add a referral admin’s email, or give someone the Referrals admin role."
              values={{ types: intl.formatList(unreached.map((type) => label(intl, LEAD_TYPE_LABELS, type))) }}
            />
          </MessageBarBody>
        </MessageBar>
      )}
      {usersStandIn && (
        <MessageBar intent="info">
          <MessageBarBody>
            <FormattedMessage
              id="settings.referralsAdminUsers"
              defaultMessage="No referral admin email is set: new-lead emails go to the people with the Referrals admin role: {addresses}."
              values={{ addresses: intl.formatList(users) }}
            />
          </MessageBarBody>
        </MessageBar>
      )}
    </div>
  );
}

function SettingsForm({ saved, editable }: { saved: NotificationSettings; editable: boolean }) {
  const intl = useIntl();
  const save = useSaveSettings();
  const [preferred, setPreferred] = useState(saved.preferred_email ?? "");
  const [admins, setAdmins] = useState((saved.referral_admin_emails ?? []).join("\n"));
  const [locations, setLocations] = useState(
    Object.entries(saved.locations ?? {})
      .map(([country, email]) => `${country} ${email}`)
      .join("\n"),
  );
  const [language, setLanguage] = useState<Language>(saved.language ?? "en");
  const [displayName, setDisplayName] = useState(saved.display_name ?? "");
  const [problems, setProblems] = useState<FormProblems>({});
  const refused = save.error instanceof ApiError ? save.error : null;
  const problemOf = (field: string) => problems[field] ?? (refused?.body.field?.startsWith(field) ? refused.message : undefined);

  function submit() {
    const found: FormProblems = {};
    const adminList = parseEmails(admins, "referral_admin_emails", found, intl);
    const locationMap = parseLocations(locations, found, intl);
    setProblems(found);
    if (Object.keys(found).length) return;
    const body: SettingsUpdate = {
      preferred_email: preferred.trim() || null,
      referral_admin_emails: adminList,
      locations: locationMap,
      language,
      display_name: displayName.trim() || null,
    };
    save.mutate(body);
  }

  return (
    <form
      className="settings-form"
      aria-label={intl.formatMessage({ id: "settings.title", defaultMessage: "Notification settings" })}
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <Field
        label={intl.formatMessage({ id: "settings.preferred", defaultMessage: "Preferred email" })}
        hint={intl.formatMessage({
          id: "settings.preferredHint",
          defaultMessage: "Receives new-lead emails of offer, profile and joint-planning leads instead of the default recipients.",
        })}
        validationMessage={problemOf("preferred_email")}
      >
        <Input type="email" value={preferred} disabled={!editable} onChange={(_, data) => setPreferred(data.value)} />
      </Field>
      <Field
        label={intl.formatMessage({ id: "settings.admins", defaultMessage: "Referral admins" })}
        hint={intl.formatMessage({
          id: "settings.adminsHint",
          defaultMessage: "One email address per line: the default recipients of new-lead emails.",
        })}
        validationMessage={problemOf("referral_admin_emails")}
      >
        <Textarea value={admins} disabled={!editable} resize="vertical" onChange={(_, data) => setAdmins(data.value)} />
      </Field>
      <Field
        label={intl.formatMessage({ id: "settings.locations", defaultMessage: "Business-profile locations" })}
        hint={intl.formatMessage({
          id: "settings.locationsHint",
          defaultMessage: "One per line: a country code and its contact, e.g. “DE kontakt@partner.de”. Profile leads from that country go there.",
        })}
        validationMessage={problemOf("locations")}
      >
        <Textarea
          value={locations}
          disabled={!editable}
          resize="vertical"
          onChange={(_, data) => setLocations(data.value)}
        />
      </Field>
      <Field label={intl.formatMessage({ id: "settings.language", defaultMessage: "Email language" })}>
        <Dropdown
          value={LANGUAGES.find((known) => known.code === language)?.name ?? language}
          selectedOptions={[language]}
          disabled={!editable}
          onOptionSelect={(_, data) => setLanguage(data.optionValue as Language)}
        >
          {LANGUAGES.map(({ code, name }) => (
            <Option key={code} value={code} lang={code}>
              {name}
            </Option>
          ))}
        </Dropdown>
      </Field>
      <Field
        label={intl.formatMessage({ id: "settings.displayName", defaultMessage: "Name shown to customers" })}
        hint={intl.formatMessage({
          id: "settings.displayNameHint",
          defaultMessage:
            "How emails to your customers (a declined request) name you. Plain text, no link or address; when empty they say “the partner you contacted”.",
        })}
        validationMessage={problemOf("display_name")}
      >
        <Input value={displayName} maxLength={80} disabled={!editable} onChange={(_, data) => setDisplayName(data.value)} />
      </Field>
      {refused && !refused.body.field && <ProblemBar error={refused} />}
      {save.isSuccess && (
        <MessageBar intent="success">
          <MessageBarBody>
            <FormattedMessage id="settings.saved" defaultMessage="Saved." />
          </MessageBarBody>
        </MessageBar>
      )}
      {editable ? (
        <Button appearance="primary" type="submit" disabled={save.isPending}>
          {save.isPending ? (
            <FormattedMessage id="settings.saving" defaultMessage="Saving…" />
          ) : (
            <FormattedMessage id="settings.save" defaultMessage="Save" />
          )}
        </Button>
      ) : (
        <MessageBar intent="info">
          <MessageBarBody>
            <FormattedMessage id="settings.readOnly" defaultMessage="Only referral and profile admins can change these settings." />
          </MessageBarBody>
        </MessageBar>
      )}
    </form>
  );
}
