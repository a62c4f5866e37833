// The quality reasons of a lead, in the person's language. The API sends them as English
// sentences (`leaddesk.domain.quality`, `leaddesk.domain.contact`); the ones LeadDesk writes
// itself are recognised here and said in the catalogs' words, anything else (an address
// checker's own message) is shown as sent.
import type { IntlShape } from "react-intl";
import { defineMessages } from "../../i18n";
import { EMAIL_VALIDITY_LABELS, FIELD_LABELS, label } from "../../labels";

const REASONS = defineMessages({
  emailMissing: { id: "qualityReason.emailMissing", defaultMessage: "no address" },
  phoneMissing: { id: "qualityReason.phoneMissing", defaultMessage: "no number" },
  reservedDomain: { id: "qualityReason.reservedDomain", defaultMessage: "{domain} is a reserved example domain" },
  blockedDomain: { id: "qualityReason.blockedDomain", defaultMessage: "{domain} is a disposable or blocklisted domain" },
  undeliverable: { id: "qualityReason.undeliverable", defaultMessage: "{domain} does not accept email" },
  unchecked: { id: "qualityReason.unchecked", defaultMessage: "could not check whether {domain} accepts email" },
  phoneInvalid: { id: "qualityReason.phoneInvalid", defaultMessage: "not a valid number for its region" },
  phoneUnreadable: { id: "qualityReason.phoneUnreadable", defaultMessage: "not a phone number ({error})" },
  validity: { id: "qualityReason.validity", defaultMessage: "{field}: {validity}" },
  validityBecause: { id: "qualityReason.validityBecause", defaultMessage: "{field}: {validity} ({detail})" },
  noCompany: { id: "qualityReason.noCompany", defaultMessage: "no company named" },
  lookalike: {
    id: "qualityReason.lookalike",
    defaultMessage: "the email's domain label {label} mixes scripts ({scripts}): a look-alike of another domain",
  },
  spamSource: { id: "qualityReason.spamSource", defaultMessage: "low: the email address is a known spam source" },
  imitates: { id: "qualityReason.imitates", defaultMessage: "low: the email's domain imitates another one" },
  noChannel: { id: "qualityReason.noChannel", defaultMessage: "low: no usable contact channel" },
  nobody: { id: "qualityReason.nobody", defaultMessage: "low: neither a person nor a company is named" },
  high: { id: "qualityReason.high", defaultMessage: "high: email and phone both valid and a company named" },
  medium: { id: "qualityReason.medium", defaultMessage: "medium: reachable through one channel" },
  country: { id: "qualityReason.country", defaultMessage: "country not recognised: {text}" },
});

const WHOLE: Record<string, keyof typeof REASONS> = {
  "no company named": "noCompany",
  "low: email address is a known spam source": "spamSource",
  "low: the email's domain imitates another one": "imitates",
  "low: no usable contact channel": "noChannel",
  "low: neither a person nor a company is named": "nobody",
  "high: email and phone both valid and a company named": "high",
  "medium: reachable through one channel": "medium",
};

function detail(intl: IntlShape, text: string): string {
  const known: [RegExp, keyof typeof REASONS, string[]][] = [
    [/^email missing$/, "emailMissing", []],
    [/^phone missing$/, "phoneMissing", []],
    [/^(\S+) is a reserved example domain$/, "reservedDomain", ["domain"]],
    [/^(\S+) is a disposable or blocklisted domain$/, "blockedDomain", ["domain"]],
    [/^(\S+) does not accept email$/, "undeliverable", ["domain"]],
    [/^could not check whether (\S+) accepts email$/, "unchecked", ["domain"]],
    [/^phone is not a valid number for its region$/, "phoneInvalid", []],
    [/^phone not parseable: (.*)$/, "phoneUnreadable", ["error"]],
  ];
  for (const [pattern, key, names] of known) {
    const match = pattern.exec(text);
    if (match) return intl.formatMessage(REASONS[key], Object.fromEntries(names.map((name, index) => [name, match[index + 1] ?? ""])));
  }
  return text;
}

export function qualityReason(intl: IntlShape, reason: string): string {
  const whole = WHOLE[reason];
  if (whole) return intl.formatMessage(REASONS[whole]);
  const validity = /^(email|phone) (valid|invalid|spam|unknown)(?:: (.*))?$/s.exec(reason);
  if (validity) {
    const field = intl.formatMessage(validity[1] === "email" ? FIELD_LABELS.email_validity : FIELD_LABELS.phone_validity);
    const value = label(intl, EMAIL_VALIDITY_LABELS, validity[2] ?? "");
    return validity[3]
      ? intl.formatMessage(REASONS.validityBecause, { field, validity: value, detail: detail(intl, validity[3]) })
      : intl.formatMessage(REASONS.validity, { field, validity: value });
  }
  const lookalike = /^email domain label (.+) mixes scripts \((.+)\): a look-alike of another domain$/s.exec(reason);
  if (lookalike) return intl.formatMessage(REASONS.lookalike, { label: lookalike[1], scripts: lookalike[2] });
  const country = /^country not recognised: (.*)$/s.exec(reason);
  if (country) return intl.formatMessage(REASONS.country, { text: country[1] });
  return reason;
}
