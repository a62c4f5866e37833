// How the workspace names the API's values.
import type { components } from "./api/schema";

type Schemas = components["schemas"];

export const TAB_LABELS: Record<Schemas["Tab"], string> = {
  marketplace: "Marketplace leads",
  qualified: "Qualified leads",
  favorites: "Favorites",
};

export const LEAD_TYPE_LABELS: Record<Schemas["LeadType"], string> = {
  offer: "Marketplace offer",
  profile: "Business profile",
  marketing_qualified: "Marketing qualified",
  sales_qualified: "Sales qualified",
  joint_planning: "Joint planning",
  shared_marketing: "Shared marketing",
};

export const STATUS_LABELS: Record<Schemas["LeadStatus"], string> = {
  received: "Received",
  accepted: "Accepted",
  archived: "Archived",
  informational: "Informational",
};

export const SOURCE_LABELS: Record<Schemas["LeadSourceKind"], string> = {
  appsource: "AppSource",
  azure_marketplace: "Azure Marketplace",
  azure_portal: "Azure portal",
  power_bi: "Power BI",
};

export const CALL_TO_ACTION_LABELS: Record<Schemas["CallToAction"], string> = {
  contact_me: "Contact me",
  get_it_now: "Get it now",
  free_trial: "Free trial",
  test_drive: "Test drive",
  create: "Create",
};

export const QUALITY_LABELS: Record<Schemas["LeadQuality"], string> = { high: "High", medium: "Medium", low: "Low" };

export const EMAIL_VALIDITY_LABELS: Record<Schemas["EmailValidity"], string> = {
  valid: "Valid",
  invalid: "Invalid",
  spam: "Spam",
  unknown: "Unknown",
};

export const PHONE_VALIDITY_LABELS: Record<Schemas["PhoneValidity"], string> = {
  valid: "Valid",
  invalid: "Invalid",
  unknown: "Unknown",
};

export const OUTCOME_LABELS: Record<Schemas["Outcome"], string> = {
  won: "Won",
  lost: "Lost",
  converted: "Converted",
  declined: "Declined",
  expired: "Expired",
  error: "Closed as error",
  aged_out: "Aged out",
};

export const ACTION_LABELS: Record<Schemas["Action"], string> = {
  accept: "Accept",
  decline: "Decline",
  edit: "Edit",
  qualify: "Qualify",
  evaluate: "Evaluate",
  won: "Won",
  lost: "Lost",
  convert: "Convert",
  close_as_error: "Close as error",
  expire: "Expire",
  cool_flame: "Flame cooled",
  remind_expiry: "Expiry reminder",
  age_out: "Aged out",
};

export const CLOSE_REASON_LABELS: Record<Schemas["CloseReason"], string> = {
  budget_not_adequate: "Budget not adequate",
  customer_did_not_respond: "Customer did not respond",
  customer_chose_another_vendor: "Customer chose another vendor",
  requirement_not_met: "Requirement not met",
  not_a_customer: "Not a customer",
  timeline_too_short: "Timeline too short",
  abuse_spam_or_phishing: "Abuse, spam or phishing",
  other: "Other",
};

export const ERROR_REASON_LABELS: Record<Schemas["ErrorReason"], string> = {
  duplicate: "Duplicate",
  test_lead: "Test lead",
  data_error: "Data error",
  other: "Other",
};

export const BUDGET_LABELS: Record<Schemas["Budget"], string> = {
  no_committed_budget: "No committed budget",
  may_buy: "May buy",
  can_buy: "Can buy",
  will_buy: "Will buy",
};

export const NEED_LABELS: Record<Schemas["Need"], string> = {
  must_have: "Must have",
  should_have: "Should have",
  good_to_have: "Good to have",
  no_need: "No need",
};

export const TIMELINE_LABELS: Record<Schemas["Timeline"], string> = {
  immediate: "Immediate",
  this_quarter: "This quarter",
  next_quarter: "Next quarter",
  this_year: "This year",
  unknown: "Unknown",
};

export function contactName(lead: { customer: { first_name?: string | null; last_name?: string | null } }): string {
  return [lead.customer.first_name, lead.customer.last_name].filter(Boolean).join(" ") || "—";
}

export function when(iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" }) : "—";
}
