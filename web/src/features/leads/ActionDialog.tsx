import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Dropdown,
  Field,
  Input,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  Option,
  Radio,
  RadioGroup,
  Textarea,
} from "@fluentui/react-components";
import { useState, type FormEvent } from "react";
import { ApiError, type Action, type Lead } from "../../api/client";
import {
  ACTION_LABELS,
  BUDGET_LABELS,
  CLOSE_REASON_LABELS,
  ERROR_REASON_LABELS,
  NEED_LABELS,
  OUTCOME_LABELS,
  STATUS_LABELS,
  TIMELINE_LABELS,
} from "../../labels";
import { useAct } from "./queries";

type Kind = "text" | "number" | "date" | "choice" | "yesno" | "notes";

interface FieldSpec {
  name: string;
  label: string;
  kind: Kind;
  required?: boolean;
  options?: Record<string, string>;
}

const notes: FieldSpec = { name: "notes", label: "Notes", kind: "notes" };
const reasonNotes: FieldSpec = { name: "notes", label: "Notes (required for Other)", kind: "notes" };

/** What each action asks for: the API's request bodies, as forms. */
export const FORMS: Partial<Record<Action, FieldSpec[]>> = {
  accept: [
    { name: "deal_name", label: "Deal name", kind: "text", required: true },
    { name: "estimated_value", label: "Estimated value", kind: "number", required: true },
    { name: "currency", label: "Currency (ISO 4217)", kind: "text" },
    { name: "estimated_close_date", label: "Estimated close date", kind: "date", required: true },
    { name: "crm_id", label: "CRM id", kind: "text" },
    { name: "campaign_id", label: "Campaign id", kind: "text" },
    { ...notes, label: "Notes (recommended)" },
  ],
  decline: [{ name: "reason", label: "Reason", kind: "choice", required: true, options: CLOSE_REASON_LABELS }, reasonNotes],
  edit: [
    { name: "deal_name", label: "Deal name", kind: "text" },
    { name: "estimated_value", label: "Estimated value", kind: "number" },
    { name: "currency", label: "Currency (ISO 4217)", kind: "text" },
    { name: "estimated_close_date", label: "Estimated close date", kind: "date" },
    { name: "crm_id", label: "CRM id", kind: "text" },
    { name: "campaign_id", label: "Campaign id", kind: "text" },
    notes,
  ],
  qualify: [{ name: "customer_responded", label: "Did the customer respond?", kind: "yesno", required: true }, notes],
  evaluate: [
    { name: "budget", label: "Budget", kind: "choice", options: BUDGET_LABELS },
    { name: "authority", label: "Decision maker identified?", kind: "yesno" },
    { name: "need", label: "Need", kind: "choice", options: NEED_LABELS },
    { name: "timeline", label: "Timeline", kind: "choice", options: TIMELINE_LABELS },
    notes,
  ],
  won: [notes],
  lost: [{ name: "reason", label: "Reason", kind: "choice", required: true, options: CLOSE_REASON_LABELS }, reasonNotes],
  convert: [{ name: "opportunity_id", label: "Opportunity id", kind: "text", required: true }, notes],
  close_as_error: [{ name: "reason", label: "Reason", kind: "choice", required: true, options: ERROR_REASON_LABELS }, reasonNotes],
};

type Values = Record<string, string>;

/** The client-side checks: what the API would refuse for a missing or malformed field. */
export function problems(action: Action, values: Values): Record<string, string> {
  const found: Record<string, string> = {};
  for (const field of FORMS[action] ?? []) {
    const value = (values[field.name] ?? "").trim();
    if (field.required && !value) found[field.name] = `${field.label} is required`;
    if (field.kind === "number" && value && !(Number(value) >= 0)) found[field.name] = "Enter an amount of 0 or more";
    if (field.name === "currency" && value && !/^[A-Za-z]{3}$/.test(value)) found[field.name] = "Three letters, e.g. USD";
  }
  if (values.reason === "other" && !(values.notes ?? "").trim()) found.notes = "Notes are required when the reason is Other";
  const filled = Object.values(values).some((value) => value.trim());
  if (action === "edit" && !filled) found.deal_name = "Change at least one field";
  if (action === "evaluate" && !["budget", "authority", "need", "timeline"].some((name) => values[name])) {
    found.budget = "Record at least one of budget, authority, need and timeline";
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
  const act = useAct(lead);
  const label = ACTION_LABELS[action];
  const error = act.error;
  const conflict = error instanceof ApiError && (error.status === 409 || error.status === 412);

  function submit(event: FormEvent) {
    event.preventDefault();
    const found = problems(action, values);
    setShown(found);
    if (Object.keys(found).length) return;
    act.mutate({ action, body: bodyOf(action, values) }, { onSuccess: onClose });
  }

  function set(name: string, value: string) {
    setValues((current) => ({ ...current, [name]: value }));
  }

  return (
    <Dialog open onOpenChange={(_, data) => !data.open && onClose()}>
      <DialogSurface aria-label={`${label} this lead`}>
        <form onSubmit={submit} noValidate>
          <DialogBody>
            <DialogTitle>{label}</DialogTitle>
            <DialogContent className="action-form">
              {error && !conflict && (
                <MessageBar intent="error" role="alert">
                  <MessageBarBody>
                    <MessageBarTitle>Refused</MessageBarTitle>
                    {error.message}
                  </MessageBarBody>
                </MessageBar>
              )}
              {conflict && error instanceof ApiError && (
                <MessageBar intent="warning" role="alert">
                  <MessageBarBody>
                    <MessageBarTitle>The lead changed</MessageBarTitle>
                    {error.message}
                    {error.body.status && (
                      <>
                        {" "}
                        It is now {STATUS_LABELS[error.body.status]}
                        {error.body.outcome ? ` (${OUTCOME_LABELS[error.body.outcome]})` : ""}.
                      </>
                    )}
                  </MessageBarBody>
                  <MessageBarActions>
                    <Button onClick={onReload}>Reload the lead</Button>
                  </MessageBarActions>
                </MessageBar>
              )}
              {(FORMS[action] ?? []).map((field) => (
                <Field key={field.name} label={field.label} required={field.required} validationMessage={shown[field.name]}>
                  {renderInput(field, values[field.name] ?? "", (value) => set(field.name, value))}
                </Field>
              ))}
            </DialogContent>
            <DialogActions>
              <Button appearance="secondary" onClick={onClose}>
                Cancel
              </Button>
              <Button appearance="primary" type="submit" disabled={act.isPending}>
                {label}
              </Button>
            </DialogActions>
          </DialogBody>
        </form>
      </DialogSurface>
    </Dialog>
  );
}

function renderInput(field: FieldSpec, value: string, change: (value: string) => void) {
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
          <Radio value="yes" label="Yes" />
          <Radio value="no" label="No" />
        </RadioGroup>
      );
    case "choice":
      return (
        <Dropdown
          placeholder="Choose…"
          value={field.options?.[value] ?? ""}
          selectedOptions={value ? [value] : []}
          onOptionSelect={(_, data) => change(data.optionValue ?? "")}
        >
          {Object.entries(field.options ?? {}).map(([optionValue, text]) => (
            <Option key={optionValue} value={optionValue}>
              {text}
            </Option>
          ))}
        </Dropdown>
      );
    default:
      return <Input value={value} onChange={(_, data) => change(data.value)} />;
  }
}
