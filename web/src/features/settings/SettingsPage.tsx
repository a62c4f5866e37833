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
import { ApiError, type Language, type NotificationSettings, type SettingsUpdate } from "../../api/client";
import { canChangeSettings, currentSession } from "../../auth/session";
import { ProblemBar } from "../../components/ProblemBar";
import { useSaveSettings, useSettings } from "./queries";
import { parseLocations, parseEmails, type FormProblems } from "./settingsForm";

const LANGUAGES: Record<Language, string> = {
  en: "English",
  fr: "Français",
  it: "Italiano",
  nl: "Nederlands",
  hu: "Magyar",
  tr: "Türkçe",
};

/** Who is emailed about new leads, and in which language. */
export function SettingsPage() {
  const settings = useSettings();
  return (
    <section aria-labelledby="settings-title">
      <div className="page-head">
        <h1 id="settings-title">Notification settings</h1>
      </div>
      {settings.isPending && <Spinner label="Loading the settings…" />}
      {settings.isError && <ProblemBar error={settings.error} retry={() => void settings.refetch()} />}
      {settings.data && <SettingsForm saved={settings.data} editable={canChangeSettings(currentSession())} />}
    </section>
  );
}

function SettingsForm({ saved, editable }: { saved: NotificationSettings; editable: boolean }) {
  const save = useSaveSettings();
  const [preferred, setPreferred] = useState(saved.preferred_email ?? "");
  const [admins, setAdmins] = useState((saved.referral_admin_emails ?? []).join("\n"));
  const [locations, setLocations] = useState(
    Object.entries(saved.locations ?? {})
      .map(([country, email]) => `${country} ${email}`)
      .join("\n"),
  );
  const [language, setLanguage] = useState<Language>(saved.language ?? "en");
  const [problems, setProblems] = useState<FormProblems>({});
  const refused = save.error instanceof ApiError ? save.error : null;
  const problemOf = (field: string) => problems[field] ?? (refused?.body.field?.startsWith(field) ? refused.message : undefined);

  function submit() {
    const found: FormProblems = {};
    const adminList = parseEmails(admins, "referral_admin_emails", found);
    const locationMap = parseLocations(locations, found);
    setProblems(found);
    if (Object.keys(found).length) return;
    const body: SettingsUpdate = {
      preferred_email: preferred.trim() || null,
      referral_admin_emails: adminList,
      locations: locationMap,
      language,
    };
    save.mutate(body);
  }

  return (
    <form
      className="settings-form"
      aria-label="Notification settings"
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <Field
        label="Preferred email"
        hint="Receives new-lead emails of offer, profile and joint-planning leads instead of the default recipients."
        validationMessage={problemOf("preferred_email")}
      >
        <Input type="email" value={preferred} disabled={!editable} onChange={(_, data) => setPreferred(data.value)} />
      </Field>
      <Field
        label="Referral admins"
        hint="One email address per line: the default recipients of new-lead emails."
        validationMessage={problemOf("referral_admin_emails")}
      >
        <Textarea value={admins} disabled={!editable} resize="vertical" onChange={(_, data) => setAdmins(data.value)} />
      </Field>
      <Field
        label="Business-profile locations"
        hint="One per line: a country code and its contact, e.g. “DE kontakt@partner.de”. Profile leads from that country go there."
        validationMessage={problemOf("locations")}
      >
        <Textarea
          value={locations}
          disabled={!editable}
          resize="vertical"
          onChange={(_, data) => setLocations(data.value)}
        />
      </Field>
      <Field label="Email language">
        <Dropdown
          value={LANGUAGES[language]}
          selectedOptions={[language]}
          disabled={!editable}
          onOptionSelect={(_, data) => setLanguage(data.optionValue as Language)}
        >
          {Object.entries(LANGUAGES).map(([code, name]) => (
            <Option key={code} value={code}>
              {name}
            </Option>
          ))}
        </Dropdown>
      </Field>
      {refused && !refused.body.field && <ProblemBar error={refused} />}
      {save.isSuccess && (
        <MessageBar intent="success">
          <MessageBarBody>Saved.</MessageBarBody>
        </MessageBar>
      )}
      {editable ? (
        <Button appearance="primary" type="submit" disabled={save.isPending}>
          {save.isPending ? "Saving…" : "Save"}
        </Button>
      ) : (
        <MessageBar intent="info">
          <MessageBarBody>Only referral and profile admins can change these settings.</MessageBarBody>
        </MessageBar>
      )}
    </form>
  );
}
