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
import { CURRENCIES } from "../../api/listFilters";
import { ChoiceDropdown } from "../../components/ChoiceDropdown";
import { CurrencyPicker } from "./CurrencyPicker";
import { LEAD_FIELDS, MISSING_STEP_LABELS } from "./leadFields";
import { useAct } from "./queries";
import { draftProblems, EMPTY_DRAFT, isBlank, memberOf, TeamEditor, type Draft, type Member } from "./TeamEditor";

type Kind = "text" | "number" | "date" | "choice" | "yesno" | "notes" | "currency";

interface FieldSpec {
  name: string;
  label: MessageDescriptor;
  kind: Kind;
  required?: boolean;
  options?: Labels<string>;
}

const FIELDS = defineMessages({
  currency: { id: "form.currency", defaultMessage: "Currency" },
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
  currency: { id: "form.currencyFormat", defaultMessage: "Pick a currency from the list" },
  notesForOther: { id: "form.notesRequiredForOther", defaultMessage: "Notes are required when the reason is Other" },
  changeOne: { id: "form.changeOne", defaultMessage: "Nothing changed yet: change a field or the team, or cancel" },
  evaluateOne: { id: "form.evaluateOne", defaultMessage: "Record at least one of budget, authority, need and timeline" },
});

const notes: FieldSpec = { name: "notes", label: FIELDS.notes, kind: "notes" };
const reasonNotes: FieldSpec = { name: "notes", label: FIELDS.notesForOther, kind: "notes" };

/** What each action asks for: the API's request bodies, as forms. */
export const FORMS: Partial<Record<Action, FieldSpec[]>> = {
  accept: [
    { name: "deal_name", label: LEAD_FIELDS.dealName, kind: "text", required: true },
    { name: "estimated_value", label: LEAD_FIELDS.estimatedValue, kind: "number", required: true },
    { name: "currency", label: FIELDS.currency, kind: "currency", required: true },
    { name: "estimated_close_date", label: LEAD_FIELDS.estimatedCloseDate, kind: "date", required: true },
    { name: "crm_id", label: LEAD_FIELDS.crmId, kind: "text" },
    { name: "campaign_id", label: LEAD_FIELDS.campaignId, kind: "text" },
    { ...notes, label: FIELDS.notesRecommended },
  ],
  decline: [{ name: "reason", label: FIELDS.reason, kind: "choice", required: true, options: CLOSE_REASON_LABELS }, reasonNotes],
  edit: [
    { name: "deal_name", label: LEAD_FIELDS.dealName, kind: "text", required: true },
    { name: "estimated_value", label: LEAD_FIELDS.estimatedValue, kind: "number", required: true },
    { name: "currency", label: FIELDS.currency, kind: "currency", required: true },
    { name: "estimated_close_date", label: LEAD_FIELDS.estimatedCloseDate, kind: "date", required: true },
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

/** The API's names of the edit body's fields where they differ from the lead's (notes: the deal's). */
const LEAD_FIELD_OF: Record<string, keyof Lead> = { notes: "deal_notes" };

/** What a form opens with: what the lead already carries, so that nothing is typed twice and an
 * untouched field sends what it held (Accept: a qualified lead's value, currency, campaign, notes;
 * Edit: every current value). The other forms open empty. */
export function initialValues(action: Action, lead: Lead): Values {
  if (action !== "accept" && action !== "edit") return {};
  const values: Values = {};
  for (const field of FORMS[action] ?? []) {
    const raw = lead[LEAD_FIELD_OF[field.name] ?? (field.name as keyof Lead)];
    values[field.name] = raw == null ? "" : String(raw);
  }
  values.currency ||= "USD";
  if (action === "accept" && !values.notes) values.notes = lead.notes ?? "";
  return values;
}

/** The client-side checks: what the API would refuse for a missing or malformed field, in the
 * person's language. `initial`: what the form opened with (an edit must change something). */
export function problems(action: Action, values: Values, intl: IntlShape, initial: Values = {}, teamChanged = false): Record<string, string> {
  const found: Record<string, string> = {};
  for (const field of FORMS[action] ?? []) {
    const value = (values[field.name] ?? "").trim();
    if (field.required && !value) found[field.name] = intl.formatMessage(PROBLEMS.required, { field: intl.formatMessage(field.label) });
    if (field.kind === "number" && value && !(Number(value) >= 0)) found[field.name] = intl.formatMessage(PROBLEMS.amount);
    if (field.kind === "currency" && value && !(CURRENCIES as readonly string[]).includes(value.toUpperCase())) {
      found[field.name] = intl.formatMessage(PROBLEMS.currency);
    }
  }
  if (values.reason === "other" && !(values.notes ?? "").trim()) found.notes = intl.formatMessage(PROBLEMS.notesForOther);
  if (action === "edit" && !teamChanged && Object.keys(bodyOf(action, values, initial)).length === 0) {
    found.deal_name = intl.formatMessage(PROBLEMS.changeOne);
  }
  if (action === "evaluate" && !["budget", "authority", "need", "timeline"].some((name) => values[name])) {
    found.budget = intl.formatMessage(PROBLEMS.evaluateOne);
  }
  return found;
}

function typed(field: FieldSpec, value: string): unknown {
  if (field.kind === "number") return Number(value);
  if (field.kind === "yesno") return value === "yes";
  if (field.kind === "currency") return value.toUpperCase();
  return value;
}

/** The request body. An edit sends only the fields the person changed (an emptied optional one as
 * null, which clears it): a field left alone is never overwritten. The other actions send what is
 * filled in. */
export function bodyOf(action: Action, values: Values, initial: Values = {}): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const field of FORMS[action] ?? []) {
    const value = (values[field.name] ?? "").trim();
    if (action === "edit") {
      if (value === (initial[field.name] ?? "").trim()) continue;
      body[field.name] = value ? typed(field, value) : null;
      continue;
    }
    if (value) body[field.name] = typed(field, value);
  }
  return body;
}

/** An edit's team change: who was added and who removed (by email), against the team it opened with. */
export function teamChange(before: Member[], after: Member[]): { team_add?: Member[]; team_remove?: string[] } {
  const key = (member: Member) => member.email.toLowerCase();
  const had = new Set(before.map(key));
  const has = new Set(after.map(key));
  const added = after.filter((member) => !had.has(key(member)));
  const removed = before.filter((member) => !has.has(key(member))).map((member) => member.email);
  return { ...(added.length ? { team_add: added } : {}), ...(removed.length ? { team_remove: removed } : {}) };
}

const REFUSALS = defineMessages({
  refused: { id: "action.refused", defaultMessage: "Not saved" },
  checkFields: { id: "action.checkFields", defaultMessage: "Check the fields marked below." },
  missing: { id: "action.missing", defaultMessage: "{action} needs {steps} first." },
  changed: { id: "action.conflict", defaultMessage: "Someone else changed this lead" },
  stale: { id: "action.stale", defaultMessage: "This lead was changed after you opened it. Reload it to see the current values; what you typed stays in the form." },
});

/** One action's form: opens with what the lead carries, checks its fields before sending; shows the
 * API's refusal in plain words, on the field it names, and on 409/412 the lead's current state with
 * a way to reload it. */
export function ActionDialog({ lead, action, onClose, onReload }: { lead: Lead; action: Action; onClose: () => void; onReload: () => void }) {
  const [initial] = useState<Values>(() => initialValues(action, lead));
  const [values, setValues] = useState<Values>(initial);
  const withTeam = action === "accept" || action === "edit";
  const [team, setTeam] = useState<Member[]>(() => (withTeam ? lead.team : []));
  const [draft, setDraft] = useState<Draft>(EMPTY_DRAFT);
  const [shown, setShown] = useState<Record<string, string>>({});
  const [draftShown, setDraftShown] = useState<Partial<Record<keyof Draft, string>>>({});
  const intl = useIntl();
  const act = useAct(lead);
  const title = label(intl, ACTION_LABELS, action);
  const submitLabel = action === "edit" ? intl.formatMessage({ id: "form.save", defaultMessage: "Save" }) : title;
  const error = act.error;
  const conflict = error instanceof ApiError && (error.status === 409 || error.status === 412) && !error.body.missing?.length;
  const gated = error instanceof ApiError && error.status === 409 && !!error.body.missing?.length;
  const apiFields = error instanceof ApiError ? fieldProblems(error, action) : {};

  function submit(event: FormEvent) {
    event.preventDefault();
    // A member typed but not added yet is part of the team: nothing typed is lost.
    const pending = withTeam && !isBlank(draft);
    const draftFound = pending ? draftProblems(draft, team, intl) : {};
    const members = pending && !Object.keys(draftFound).length ? [...team, memberOf(draft)] : team;
    const change = action === "edit" ? teamChange(lead.team, members) : {};
    const found = problems(action, values, intl, initial, Object.keys(change).length > 0);
    setShown(found);
    setDraftShown(draftFound);
    if (Object.keys(found).length || Object.keys(draftFound).length) return;
    if (pending) {
      setTeam(members);
      setDraft(EMPTY_DRAFT);
    }
    const body = bodyOf(action, values, initial);
    if (action === "accept" && members.length) body.team = members;
    act.mutate({ action, body: { ...body, ...change } }, { onSuccess: onClose });
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
                    <MessageBarTitle>{intl.formatMessage(REFUSALS.refused)}</MessageBarTitle>
                    {gated && error instanceof ApiError
                      ? intl.formatMessage(REFUSALS.missing, {
                          action: title,
                          steps: intl.formatList((error.body.missing ?? []).map((step) => label(intl, MISSING_STEP_LABELS, step))),
                        })
                      : Object.keys(apiFields).length
                        ? intl.formatMessage(REFUSALS.checkFields)
                        : error.message}
                  </MessageBarBody>
                </MessageBar>
              )}
              {conflict && error instanceof ApiError && (
                <MessageBar intent="warning" role="alert">
                  <MessageBarBody>
                    <MessageBarTitle>{intl.formatMessage(REFUSALS.changed)}</MessageBarTitle>
                    {error.status === 412 ? intl.formatMessage(REFUSALS.stale) : null}
                    {error.status === 409 && error.body.status && (
                      <>
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
                <Field
                  key={field.name}
                  label={intl.formatMessage(field.label)}
                  required={field.required}
                  validationMessage={shown[field.name] ?? apiFields[field.name]}
                >
                  {renderInput(intl, field, values[field.name] ?? "", (value) => set(field.name, value))}
                </Field>
              ))}
              {withTeam && <TeamEditor team={team} onTeamChange={setTeam} draft={draft} onDraftChange={setDraft} shown={draftShown} />}
            </DialogContent>
            <DialogActions>
              <Button appearance="secondary" onClick={onClose}>
                <FormattedMessage id="common.cancel" defaultMessage="Cancel" />
              </Button>
              <Button appearance="primary" type="submit" disabled={act.isPending}>
                {submitLabel}
              </Button>
            </DialogActions>
          </DialogBody>
        </form>
      </DialogSurface>
    </Dialog>
  );
}

/** The API's problems placed on the form's fields (its own words; the field shows which). */
function fieldProblems(error: ApiError, action: Action): Record<string, string> {
  const names = new Set((FORMS[action] ?? []).map((field) => field.name));
  const found: Record<string, string> = {};
  const problems = error.body.errors ?? (error.body.field ? [{ field: error.body.field, message: error.message }] : []);
  for (const problem of problems) {
    const name = problem.field.split(".")[0] ?? "";
    if (names.has(name)) found[name] = problem.message;
  }
  return found;
}

function renderInput(intl: IntlShape, field: FieldSpec, value: string, change: (value: string) => void) {
  switch (field.kind) {
    case "notes":
      return <Textarea value={value} onChange={(_, data) => change(data.value)} resize="vertical" />;
    case "number":
      return <Input type="number" min={0} step="0.01" value={value} onChange={(_, data) => change(data.value)} />;
    case "date":
      return <Input type="date" value={value} onChange={(_, data) => change(data.value)} />;
    case "currency":
      return <CurrencyPicker value={value} onChange={change} />;
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
