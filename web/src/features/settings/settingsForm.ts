// The settings form's own checks, before anything is sent: one address per line, locations as
// "<country code> <email>". The API checks the same and more (deliverable syntax, known countries).
import type { IntlShape } from "react-intl";
import { defineMessages } from "../../i18n";

export type FormProblems = Record<string, string>;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const MESSAGES = defineMessages({
  notAnEmail: { id: "settings.notAnEmail", defaultMessage: "“{value}” is not an email address" },
  badLocation: {
    id: "settings.badLocation",
    defaultMessage: "“{line}”: write a country code and one email, e.g. “DE kontakt@partner.de”",
  },
});

function lines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
}

export function parseEmails(text: string, field: string, problems: FormProblems, intl: IntlShape): string[] {
  const emails = lines(text).flatMap((line) => line.split(/[,;\s]+/)).filter(Boolean);
  const bad = emails.find((email) => !EMAIL.test(email));
  if (bad) problems[field] = intl.formatMessage(MESSAGES.notAnEmail, { value: bad });
  return emails;
}

export function parseLocations(text: string, problems: FormProblems, intl: IntlShape): Record<string, string> {
  const locations: Record<string, string> = {};
  for (const line of lines(text)) {
    const [country = "", email = "", ...rest] = line.split(/[\s,;:=]+/);
    if (!/^[A-Za-z]{2}$/.test(country) || !EMAIL.test(email) || rest.length) {
      problems.locations = intl.formatMessage(MESSAGES.badLocation, { line });
      continue;
    }
    locations[country.toUpperCase()] = email;
  }
  return locations;
}
