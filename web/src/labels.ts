// How the workspace names the API's values: one message per value, in the catalogs (the same
// words as the emails where both name a thing: lead types, calls to action, quality).
import type { IntlShape, MessageDescriptor } from "react-intl";
import { defineMessages } from "./i18n/define";
import type { Role } from "./auth/session";
import type { components } from "./api/schema";

type Schemas = components["schemas"];
export type Labels<K extends string> = Record<K, MessageDescriptor>;

export const TAB_LABELS: Labels<Schemas["Tab"]> = defineMessages({
  marketplace: { id: "tab.marketplace", defaultMessage: "Marketplace leads" },
  qualified: { id: "tab.qualified", defaultMessage: "Qualified leads" },
  favorites: { id: "tab.favorites", defaultMessage: "Favorites" },
});

export const LEAD_TYPE_LABELS: Labels<Schemas["LeadType"]> = defineMessages({
  offer: { id: "leadType.offer", defaultMessage: "Marketplace offer" },
  profile: { id: "leadType.profile", defaultMessage: "Business profile inquiry" },
  marketing_qualified: { id: "leadType.marketing_qualified", defaultMessage: "Marketing qualified" },
  sales_qualified: { id: "leadType.sales_qualified", defaultMessage: "Sales qualified" },
  joint_planning: { id: "leadType.joint_planning", defaultMessage: "Joint planning" },
  shared_marketing: { id: "leadType.shared_marketing", defaultMessage: "Shared marketing" },
});

export const STATUS_LABELS: Labels<Schemas["LeadStatus"]> = defineMessages({
  received: { id: "status.received", defaultMessage: "Received" },
  accepted: { id: "status.accepted", defaultMessage: "Accepted" },
  archived: { id: "status.archived", defaultMessage: "Archived" },
  informational: { id: "status.informational", defaultMessage: "Informational" },
});

export const SOURCE_LABELS: Labels<Schemas["LeadSourceKind"]> = defineMessages({
  appsource: { id: "source.appsource", defaultMessage: "AppSource" },
  azure_marketplace: { id: "source.azure_marketplace", defaultMessage: "Azure Marketplace" },
  azure_portal: { id: "source.azure_portal", defaultMessage: "Azure portal" },
  power_bi: { id: "source.power_bi", defaultMessage: "Power BI" },
});

export const CALL_TO_ACTION_LABELS: Labels<Schemas["CallToAction"]> = defineMessages({
  contact_me: { id: "callToAction.contact_me", defaultMessage: "Contact me" },
  get_it_now: { id: "callToAction.get_it_now", defaultMessage: "Get it now" },
  free_trial: { id: "callToAction.free_trial", defaultMessage: "Free trial" },
  test_drive: { id: "callToAction.test_drive", defaultMessage: "Test drive" },
  create: { id: "callToAction.create", defaultMessage: "Portal purchase" },
});

export const QUALITY_LABELS: Labels<Schemas["LeadQuality"]> = defineMessages({
  high: { id: "quality.high", defaultMessage: "High" },
  medium: { id: "quality.medium", defaultMessage: "Medium" },
  low: { id: "quality.low", defaultMessage: "Low (possible spam)" },
});

export const EMAIL_VALIDITY_LABELS: Labels<Schemas["EmailValidity"]> = defineMessages({
  valid: { id: "validity.valid", defaultMessage: "Valid" },
  invalid: { id: "validity.invalid", defaultMessage: "Invalid" },
  spam: { id: "validity.spam", defaultMessage: "Spam" },
  unknown: { id: "validity.unknown", defaultMessage: "Unknown" },
});

export const PHONE_VALIDITY_LABELS: Labels<Schemas["PhoneValidity"]> = {
  valid: EMAIL_VALIDITY_LABELS.valid,
  invalid: EMAIL_VALIDITY_LABELS.invalid,
  unknown: EMAIL_VALIDITY_LABELS.unknown,
};

export const OUTCOME_LABELS: Labels<Schemas["Outcome"]> = defineMessages({
  won: { id: "outcome.won", defaultMessage: "Won" },
  lost: { id: "outcome.lost", defaultMessage: "Lost" },
  converted: { id: "outcome.converted", defaultMessage: "Converted" },
  declined: { id: "outcome.declined", defaultMessage: "Declined" },
  expired: { id: "outcome.expired", defaultMessage: "Expired" },
  error: { id: "outcome.error", defaultMessage: "Closed as error" },
  aged_out: { id: "outcome.aged_out", defaultMessage: "Aged out" },
});

export const ACTION_LABELS: Labels<Schemas["Action"]> = defineMessages({
  accept: { id: "action.accept", defaultMessage: "Accept" },
  decline: { id: "action.decline", defaultMessage: "Decline" },
  edit: { id: "action.edit", defaultMessage: "Edit" },
  qualify: { id: "action.qualify", defaultMessage: "Qualify" },
  evaluate: { id: "action.evaluate", defaultMessage: "Evaluate" },
  won: { id: "action.won", defaultMessage: "Won" },
  lost: { id: "action.lost", defaultMessage: "Lost" },
  convert: { id: "action.convert", defaultMessage: "Convert" },
  close_as_error: { id: "action.close_as_error", defaultMessage: "Close as error" },
  expire: { id: "action.expire", defaultMessage: "Expired" },
  cool_flame: { id: "action.cool_flame", defaultMessage: "Flame cooled" },
  remind_expiry: { id: "action.remind_expiry", defaultMessage: "Expiry reminder" },
  age_out: { id: "action.age_out", defaultMessage: "Aged out" },
});

export const CLOSE_REASON_LABELS: Labels<Schemas["CloseReason"]> = defineMessages({
  budget_not_adequate: { id: "closeReason.budget_not_adequate", defaultMessage: "Budget not adequate" },
  customer_did_not_respond: { id: "closeReason.customer_did_not_respond", defaultMessage: "Customer did not respond" },
  customer_chose_another_vendor: { id: "closeReason.customer_chose_another_vendor", defaultMessage: "Customer chose another vendor" },
  requirement_not_met: { id: "closeReason.requirement_not_met", defaultMessage: "Requirement not met" },
  not_a_customer: { id: "closeReason.not_a_customer", defaultMessage: "Not a customer" },
  timeline_too_short: { id: "closeReason.timeline_too_short", defaultMessage: "Timeline too short" },
  abuse_spam_or_phishing: { id: "closeReason.abuse_spam_or_phishing", defaultMessage: "Abuse, spam or phishing" },
  other: { id: "reason.other", defaultMessage: "Other" },
});

export const ERROR_REASON_LABELS: Labels<Schemas["ErrorReason"]> = defineMessages({
  duplicate: { id: "errorReason.duplicate", defaultMessage: "Duplicate" },
  test_lead: { id: "errorReason.test_lead", defaultMessage: "Test lead" },
  data_error: { id: "errorReason.data_error", defaultMessage: "Data error" },
  other: { id: "reason.other", defaultMessage: "Other" },
});

export const BUDGET_LABELS: Labels<Schemas["Budget"]> = defineMessages({
  no_committed_budget: { id: "budget.no_committed_budget", defaultMessage: "No committed budget" },
  may_buy: { id: "budget.may_buy", defaultMessage: "May buy" },
  can_buy: { id: "budget.can_buy", defaultMessage: "Can buy" },
  will_buy: { id: "budget.will_buy", defaultMessage: "Will buy" },
});

export const NEED_LABELS: Labels<Schemas["Need"]> = defineMessages({
  must_have: { id: "need.must_have", defaultMessage: "Must have" },
  should_have: { id: "need.should_have", defaultMessage: "Should have" },
  good_to_have: { id: "need.good_to_have", defaultMessage: "Good to have" },
  no_need: { id: "need.no_need", defaultMessage: "No need" },
});

export const TIMELINE_LABELS: Labels<Schemas["Timeline"]> = defineMessages({
  immediate: { id: "timeline.immediate", defaultMessage: "Immediate" },
  this_quarter: { id: "timeline.this_quarter", defaultMessage: "This quarter" },
  next_quarter: { id: "timeline.next_quarter", defaultMessage: "Next quarter" },
  this_year: { id: "timeline.this_year", defaultMessage: "This year" },
  unknown: { id: "timeline.unknown", defaultMessage: "Unknown" },
});

export const ROLE_LABELS: Labels<Role> = defineMessages({
  referrals_admin: { id: "role.referrals_admin", defaultMessage: "Referrals admin" },
  profile_admin: { id: "role.profile_admin", defaultMessage: "Profile admin" },
  viewer: { id: "role.viewer", defaultMessage: "Viewer" },
});

/** The list's filters (and the columns of the same name). */
export const FIELD_LABELS = defineMessages({
  status: { id: "field.status", defaultMessage: "Status" },
  lead_type: { id: "field.lead_type", defaultMessage: "Lead type" },
  lead_source: { id: "field.lead_source", defaultMessage: "Source" },
  call_to_action: { id: "field.call_to_action", defaultMessage: "Call to action" },
  lead_quality: { id: "field.lead_quality", defaultMessage: "Quality" },
  email_validity: { id: "field.email_validity", defaultMessage: "Email validity" },
  phone_validity: { id: "field.phone_validity", defaultMessage: "Phone validity" },
  country: { id: "field.country", defaultMessage: "Country" },
  customer_name: { id: "field.customer_name", defaultMessage: "Customer name" },
  created_from: { id: "field.created_from", defaultMessage: "Created from" },
  created_to: { id: "field.created_to", defaultMessage: "Created to" },
});

/** The values of the list's choice filters, in the order the list shows them; the export's page
 * names a filter's values with the same table. */
export const FILTER_VALUE_LABELS = {
  status: STATUS_LABELS,
  lead_type: LEAD_TYPE_LABELS,
  lead_source: SOURCE_LABELS,
  call_to_action: CALL_TO_ACTION_LABELS,
  lead_quality: QUALITY_LABELS,
  email_validity: EMAIL_VALIDITY_LABELS,
  phone_validity: PHONE_VALIDITY_LABELS,
} satisfies Partial<Record<keyof typeof FIELD_LABELS, Labels<string>>>;

/** The list's sorts. */
export const SORT_LABELS = defineMessages({
  created_at: { id: "sort.created_at", defaultMessage: "Newest first" },
  customer_name: { id: "sort.customer_name", defaultMessage: "Customer name" },
  estimated_value: { id: "sort.estimated_value", defaultMessage: "Estimated value" },
});

/** The button that opens a combobox's list (Fluent names it "Open", in English only). */
export const SHOW_CHOICES = defineMessages({ label: { id: "common.showChoices", defaultMessage: "Show the choices" } }).label;

export const YES_NO = defineMessages({
  yes: { id: "common.yes", defaultMessage: "Yes" },
  no: { id: "common.no", defaultMessage: "No" },
});

/** The label of `value` in `labels`, or the value itself when the API sends one the workspace
 * does not know yet. */
export function label<K extends string>(intl: IntlShape, labels: Labels<K>, value: K | string): string {
  const descriptor = (labels as Record<string, MessageDescriptor | undefined>)[value];
  return descriptor ? intl.formatMessage(descriptor) : value;
}

/** Every value of `labels` with its text, for a list of options. */
export function options<K extends string>(intl: IntlShape, labels: Labels<K>): [K, string][] {
  return (Object.keys(labels) as K[]).map((value) => [value, intl.formatMessage(labels[value] as MessageDescriptor)]);
}

/** The product's name, never translated. */
export const PRODUCT_NAME = "LeadDesk";

/** Between the parts of one line (a person's name, email and phone). */
export const SEPARATOR = " · ";

/** What a cell or field shows when it has no value. */
export const NONE = "—";

const COMPANY = defineMessages({ none: { id: "lead.noCompany", defaultMessage: "(no company)" } });

/** A lead's company, or "(no company)" when its customer gave none. */
export function companyName(intl: IntlShape, lead: { customer: { company?: string | null } }): string {
  return lead.customer.company || intl.formatMessage(COMPANY.none);
}

export function contactName(lead: { customer: { first_name?: string | null; last_name?: string | null } }): string {
  return [lead.customer.first_name, lead.customer.last_name].filter(Boolean).join(" ") || NONE;
}
