import { Button, Field, Input, Text } from "@fluentui/react-components";
import { useState } from "react";
import { useIntl, type IntlShape } from "react-intl";
import type { Lead } from "../../api/client";
import { defineMessages } from "../../i18n";
import { SEPARATOR } from "../../labels";

export type Member = Lead["team"][number];

/** What a team member's fields hold before "Add team member". */
export interface Draft {
  name: string;
  email: string;
  phone: string;
}

export const EMPTY_DRAFT: Draft = { name: "", email: "", phone: "" };

export const TEAM_LABELS = defineMessages({
  team: { id: "team.title", defaultMessage: "Team (people of yours working the deal)" },
  name: { id: "team.memberName", defaultMessage: "Team member name" },
  email: { id: "team.memberEmail", defaultMessage: "Team member email" },
  phone: { id: "team.memberPhone", defaultMessage: "Team member phone" },
  add: { id: "team.add", defaultMessage: "Add team member" },
  remove: { id: "team.remove", defaultMessage: "Remove {name}" },
  none: { id: "team.none", defaultMessage: "No team member yet." },
  nameRequired: { id: "team.nameRequired", defaultMessage: "Enter the team member's name" },
  emailFormat: { id: "team.emailFormat", defaultMessage: "Enter an email address such as name@example.com" },
  duplicate: { id: "team.duplicate", defaultMessage: "This person is already on the team" },
});

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** What is wrong with a draft member (nothing: an empty object); an empty draft is not checked. */
export function draftProblems(draft: Draft, team: Member[], intl: IntlShape): Partial<Record<keyof Draft, string>> {
  const found: Partial<Record<keyof Draft, string>> = {};
  if (!draft.name.trim()) found.name = intl.formatMessage(TEAM_LABELS.nameRequired);
  if (!EMAIL.test(draft.email.trim())) found.email = intl.formatMessage(TEAM_LABELS.emailFormat);
  else if (team.some((member) => member.email.toLowerCase() === draft.email.trim().toLowerCase())) {
    found.email = intl.formatMessage(TEAM_LABELS.duplicate);
  }
  return found;
}

export function isBlank(draft: Draft): boolean {
  return !draft.name.trim() && !draft.email.trim() && !draft.phone.trim();
}

export function memberOf(draft: Draft): Member {
  const phone = draft.phone.trim();
  return { name: draft.name.trim(), email: draft.email.trim(), ...(phone ? { phone } : {}) };
}

/** The team of a deal: its members, each with a remove button, and the fields of one more. The
 * draft lives with the form, so that a member typed but not added is still sent (nothing lost). */
export function TeamEditor({
  team,
  onTeamChange,
  draft,
  onDraftChange,
  shown,
}: {
  team: Member[];
  onTeamChange: (team: Member[]) => void;
  draft: Draft;
  onDraftChange: (draft: Draft) => void;
  shown: Partial<Record<keyof Draft, string>>;
}) {
  const intl = useIntl();
  const [problems, setProblems] = useState<Partial<Record<keyof Draft, string>>>({});
  const visible = { ...shown, ...problems };

  function add() {
    const found = draftProblems(draft, team, intl);
    setProblems(found);
    if (Object.keys(found).length) return;
    onTeamChange([...team, memberOf(draft)]);
    onDraftChange(EMPTY_DRAFT);
  }

  function set(name: keyof Draft, value: string) {
    setProblems({});
    onDraftChange({ ...draft, [name]: value });
  }

  return (
    <fieldset className="team">
      <legend>{intl.formatMessage(TEAM_LABELS.team)}</legend>
      {team.length === 0 ? (
        <Text className="note">{intl.formatMessage(TEAM_LABELS.none)}</Text>
      ) : (
        <ul className="team-list">
          {team.map((member) => (
            <li key={member.email}>
              <span>
                <Text weight="semibold">{member.name}</Text>
                {SEPARATOR}
                {member.email}
                {member.phone ? SEPARATOR + member.phone : null}
              </span>
              <Button
                size="small"
                appearance="subtle"
                onClick={() => onTeamChange(team.filter((other) => other.email !== member.email))}
              >
                {intl.formatMessage(TEAM_LABELS.remove, { name: member.name })}
              </Button>
            </li>
          ))}
        </ul>
      )}
      <div className="team-draft">
        <Field label={intl.formatMessage(TEAM_LABELS.name)} validationMessage={visible.name}>
          <Input value={draft.name} onChange={(_, data) => set("name", data.value)} />
        </Field>
        <Field label={intl.formatMessage(TEAM_LABELS.email)} validationMessage={visible.email}>
          <Input type="email" value={draft.email} onChange={(_, data) => set("email", data.value)} />
        </Field>
        <Field label={intl.formatMessage(TEAM_LABELS.phone)}>
          <Input type="tel" value={draft.phone} onChange={(_, data) => set("phone", data.value)} />
        </Field>
        <Button onClick={add}>{intl.formatMessage(TEAM_LABELS.add)}</Button>
      </div>
    </fieldset>
  );
}
