import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Field,
  Input,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  Radio,
  RadioGroup,
  Textarea,
} from "@fluentui/react-components";
import { useState, type FormEvent } from "react";
import { FormattedMessage, useIntl, type IntlShape, type MessageDescriptor } from "react-intl";
import { ApiError, type Action, type Lead } from "../../api/client";
import { defineMessages } from "../../i18n";
import {
  ACTION_LABELS,
  BUDGET_LABELS,
  CLOSE_REASON_LABELS,
  ERROR_REASON_LABELS,
  label,
  NEED_LABELS,
  OUTCOME_LABELS,
  STATUS_LABELS,
  TIMELINE_LABELS,
  YES_NO,
  type Labels,
} from "../../labels";
import { ChoiceDropdown } from "../../components/ChoiceDropdown";
import { LEAD_FIELDS } from "./leadFields";
import { useAct } from "./queries";

type Kind = "text" | "number" | "date" | "choice" | "yesno" | "notes";

interface FieldSpec {
  name: string;
  label: MessageDescriptor;
  kind: Kind;
  required?: boolean;
  options?: Labels<string>;
}

const FIELDS = defineMessages({
  currency: { id: "form.currency", defaultMessage: "Currency (ISO 4217)" },
  notes: { id: "form.notes", defaultMessage: "Notes" },
  notesRecommended: { id: "form.notesRecommended", defaultMessage: "Notes (recommended)" },
  notesForOther: { id: "form.notesForOther", defaultMessage: "Notes (required for Other)" },
  reason: { id: "form.reason", defaultMessage: "Reason" },
  customerResponded: { id: "form.customerResponded", defaultMessage: "Did the customer respond?" },
  authority: { id: "form.authority", defaultMessage: "Decision maker identified?" },
  opportunityId: { id: "form.opportunityId", defaultMessage: "Opportunity id" },
});

const PROBLEMS = defineMessages({
  required: { id: "form.required", defaultMessage: "{field} is required" },
  amount: { id: "form.amount", defaultMessage: "Enter an amount of 0 or more" },
  currency: { id: "form.currencyFormat", defaultMessage: "Three letters, e.g. USD" },
  notesForOther: { id: "form.notesRequiredForOther", defaultMessage: "Notes are required when the reason is Other" },
  changeOne: { id: "form.changeOne", defaultMessage: "Change at least one field" },
  evaluateOne: { id: "form.evaluateOne", defaultMessage: "Record at least one of budget, authority, need and timeline" },
});

const notes: FieldSpec = { name: "notes", label: FIELDS.notes, kind: "notes" };
const reasonNotes: FieldSpec = { name: "notes", label: FIELDS.notesForOther, kind: "notes" };

/** What each action asks for: the API's request bodies, as forms. */
export const FORMS: Partial<Record<Action, FieldSpec[]>> = {
  accept: [
    { name: "deal_name", label: LEAD_FIELDS.dealName, kind: "text", required: true },
    { name: "estimated_value", label: LEAD_FIELDS.estimatedValue, kind: "number", required: true },
    { name: "currency", label: FIELDS.currency, kind: "text" },
    { name: "estimated_close_date", label: LEAD_FIELDS.estimatedCloseDate, kind: "date", required: true },
    { name: "crm_id", label: LEAD_FIELDS.crmId, kind: "text" },
    { name: "campaign_id", label: LEAD_FIELDS.campaignId, kind: "text" },
    { ...notes, label: FIELDS.notesRecommended },
  ],
  decline: [{ name: "reason", label: FIELDS.reason, kind: "choice", required: true, options: CLOSE_REASON_LABELS }, reasonNotes],
  edit: [
    { name: "deal_name", label: LEAD_FIELDS.dealName, kind: "text" },
    { name: "estimated_value", label: LEAD_FIELDS.estimatedValue, kind: "number" },
    { name: "currency", label: FIELDS.currency, kind: "text" },
    { name: "estimated_close_date", label: LEAD_FIELDS.estimatedCloseDate, kind: "date" },
    { name: "crm_id", label: LEAD_FIELDS.crmId, kind: "text" },
    { name: "campaign_id", label: LEAD_FIELDS.campaignId, kind: "text" },
    notes,
  ],
  qualify: [{ name: "customer_responded", label: FIELDS.customerResponded, kind: "yesno", required: true }, notes],
  evaluate: [
    { name: "budget", label: LEAD_FIELDS.budget, kind: "choice", options: BUDGET_LABELS },
    { name: "authority", label: FIELDS.authority, kind: "yesno" },
    { name: "need", label: LEAD_FIELDS.need, kind: "choice", options: NEED_LABELS },
    { name: "timeline", label: LEAD_FIELDS.timeline, kind: "choice", options: TIMELINE_LABELS },
    notes,
  ],
  won: [notes],
  lost: [{ name: "reason", label: FIELDS.reason, kind: "choice", required: true, options: CLOSE_REASON_LABELS }, reasonNotes],
  convert: [{ name: "opportunity_id", label: FIELDS.opportunityId, kind: "text", required: true }, notes],
  close_as_error: [{ name: "reason", label: FIELDS.reason, kind: "choice", required: true, options: ERROR_REASON_LABELS }, reasonNotes],
};

type Values = Record<string, string>;

/** The client-side checks: what the API would refuse for a missing or malformed field, in the
 * person's language. */
export function problems(action: Action, values: Values, intl: IntlShape): Record<string, string> {
  const found: Record<string, string> = {};
  for (const field of FORMS[action] ?? []) {
    const value = (values[field.name] ?? "").trim();
    if (field.required && !value) found[field.name] = intl.formatMessage(PROBLEMS.required, { field: intl.formatMessage(field.label) });
    if (field.kind === "number" && value && !(Number(value) >= 0)) found[field.name] = intl.formatMessage(PROBLEMS.amount);
    if (field.name === "currency" && value && !/^[A-Za-z]{3}$/.test(value)) found[field.name] = intl.formatMessage(PROBLEMS.currency);
  }
  if (values.reason === "other" && !(values.notes ?? "").trim()) found.notes = intl.formatMessage(PROBLEMS.notesForOther);
  const filled = Object.values(values).some((value) => value.trim());
  if (action === "edit" && !filled) found.deal_name = intl.formatMessage(PROBLEMS.changeOne);
  if (action === "evaluate" && !["budget", "authority", "need", "timeline"].some((name) => values[name])) {
    found.budget = intl.formatMessage(PROBLEMS.evaluateOne);
  }
  return found;
}

export function bodyOf(action: Action, values: Values): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const field of FORMS[action] ?? []) {
    const value = (values[field.name] ?? "").trim();
    if (!value) continue;
    body[field.name] =
      field.kind === "number" ? Number(value) : field.kind === "yesno" ? value === "yes" : field.name === "currency" ? value.toUpperCase() : value;
  }
  return body;
}

/** One action's form: checks its fields before sending; shows the API's refusal, and on 409/412
 * the lead's current state with a way to reload it. */
export function ActionDialog({ lead, action, onClose, onReload }: { lead: Lead; action: Action; onClose: () => void; onReload: () => void }) {
  const [values, setValues] = useState<Values>(action === "accept" ? { currency: "USD" } : {});
  const [shown, setShown] = useState<Record<string, string>>({});
  const intl = useIntl();
  const act = useAct(lead);
  const title = label(intl, ACTION_LABELS, action);
  const error = act.error;
  const conflict = error instanceof ApiError && (error.status === 409 || error.status === 412);

  function submit(event: FormEvent) {
    event.preventDefault();
    const found = problems(action, values, intl);
    setShown(found);
    if (Object.keys(found).length) return;
    act.mutate({ action, body: bodyOf(action, values) }, { onSuccess: onClose });
  }

  function set(name: string, value: string) {
    setValues((current) => ({ ...current, [name]: value }));
  }

  return (
    <Dialog open onOpenChange={(_, data) => !data.open && onClose()}>
      <DialogSurface aria-label={intl.formatMessage({ id: "action.dialog", defaultMessage: "{action} this lead" }, { action: title })}>
        <form onSubmit={submit} noValidate>
          <DialogBody>
            <DialogTitle>{title}</DialogTitle>
            <DialogContent className="action-form">
              {error && !conflict && (
                <MessageBar intent="error" role="alert">
                  <MessageBarBody>
                    <MessageBarTitle>
                      <FormattedMessage id="problem.refused" defaultMessage="Refused" />
                    </MessageBarTitle>
                    {error.message}
                  </MessageBarBody>
                </MessageBar>
              )}
              {conflict && error instanceof ApiError && (
                <MessageBar intent="warning" role="alert">
                  <MessageBarBody>
                    <MessageBarTitle>
                      <FormattedMessage id="action.conflict" defaultMessage="The lead changed" />
                    </MessageBarTitle>
                    {error.message}
                    {error.body.status && (
                      <>
                        {" "}
                        {error.body.outcome ? (
                          <FormattedMessage
                            id="action.nowWithOutcome"
                            defaultMessage="It is now {status} ({outcome})."
                            values={{ status: label(intl, STATUS_LABELS, error.body.status), outcome: label(intl, OUTCOME_LABELS, error.body.outcome) }}
                          />
                        ) : (
                          <FormattedMessage
                            id="action.now"
                            defaultMessage="It is now {status}."
                            values={{ status: label(intl, STATUS_LABELS, error.body.status) }}
                          />
                        )}
                      </>
                    )}
                  </MessageBarBody>
                  <MessageBarActions>
                    <Button onClick={onReload}>
                      <FormattedMessage id="action.reload" defaultMessage="Reload the lead" />
                    </Button>
                  </MessageBarActions>
                </MessageBar>
              )}
              {(FORMS[action] ?? []).map((field) => (
                <Field key={field.name} label={intl.formatMessage(field.label)} required={field.required} validationMessage={shown[field.name]}>
                  {renderInput(intl, field, values[field.name] ?? "", (value) => set(field.name, value))}
                </Field>
              ))}
            </DialogContent>
            <DialogActions>
              <Button appearance="secondary" onClick={onClose}>
                <FormattedMessage id="common.cancel" defaultMessage="Cancel" />
              </Button>
              <Button appearance="primary" type="submit" disabled={act.isPending}>
                {title}
              </Button>
            </DialogActions>
          </DialogBody>
        </form>
      </DialogSurface>
    </Dialog>
  );
}

function renderInput(intl: IntlShape, field: FieldSpec, value: string, change: (value: string) => void) {
  switch (field.kind) {
    case "notes":
      return <Textarea value={value} onChange={(_, data) => change(data.value)} resize="vertical" />;
    case "number":
      return <Input type="number" min={0} step="0.01" value={value} onChange={(_, data) => change(data.value)} />;
    case "date":
      return <Input type="date" value={value} onChange={(_, data) => change(data.value)} />;
    case "yesno":
      return (
        <RadioGroup value={value} onChange={(_, data) => change(data.value)} layout="horizontal">
          <Radio value="yes" label={intl.formatMessage(YES_NO.yes)} />
          <Radio value="no" label={intl.formatMessage(YES_NO.no)} />
        </RadioGroup>
      );
    case "choice":
      return (
        <ChoiceDropdown
          labels={field.options ?? {}}
          value={value || undefined}
          onChange={change}
          placeholder={intl.formatMessage({ id: "form.choose", defaultMessage: "Choose…" })}
        />
      );
    default:
      return <Input value={value} onChange={(_, data) => change(data.value)} />;
  }
}
