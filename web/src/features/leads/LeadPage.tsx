import { Badge, Button, Card, CardHeader, Spinner, Subtitle2, Text } from "@fluentui/react-components";
import { useState } from "react";
import { FormattedMessage, useIntl, type IntlShape, type MessageDescriptor } from "react-intl";
import { Link, useParams } from "react-router-dom";
import type { Action, Lead } from "../../api/client";
import { canAct, currentSession } from "../../auth/session";
import { ActionDialog, FORMS } from "./ActionDialog";
import { FavoriteButton } from "./FavoriteButton";
import { FlameBadge } from "../../components/FlameBadge";
import { ProblemBar } from "../../components/ProblemBar";
import { defineMessages, useFormats, type Formats } from "../../i18n";
import {
  ACTION_LABELS,
  BUDGET_LABELS,
  CALL_TO_ACTION_LABELS,
  CLOSE_REASON_LABELS,
  companyName,
  contactName,
  EMAIL_VALIDITY_LABELS,
  ERROR_REASON_LABELS,
  FIELD_LABELS,
  label,
  LEAD_TYPE_LABELS,
  NEED_LABELS,
  OUTCOME_LABELS,
  PHONE_VALIDITY_LABELS,
  QUALITY_LABELS,
  SOURCE_LABELS,
  STATUS_LABELS,
  TIMELINE_LABELS,
  YES_NO,
} from "../../labels";
import { LeadEmails } from "./LeadEmails";
import { LEAD_FIELDS } from "./leadFields";
import { lastListSearch } from "./listQuery";
import { qualityReason } from "./qualityReasons";
import { useLead } from "./queries";

const FACTS = defineMessages({
  contact: { id: "lead.contact", defaultMessage: "Contact" },
  title: { id: "lead.title", defaultMessage: "Title" },
  email: { id: "lead.email", defaultMessage: "Email" },
  phone: { id: "lead.phone", defaultMessage: "Phone" },
  doNotContact: { id: "lead.doNotContact", defaultMessage: "Do not contact" },
  doNotContactYes: { id: "lead.doNotContactYes", defaultMessage: "Yes: the customer must not be contacted" },
  type: { id: "lead.type", defaultMessage: "Type" },
  offer: { id: "lead.offer", defaultMessage: "Offer" },
  received: { id: "lead.received", defaultMessage: "Received" },
  expires: { id: "lead.expires", defaultMessage: "Expires" },
  description: { id: "lead.description", defaultMessage: "Description" },
  operatorNotes: { id: "lead.operatorNotes", defaultMessage: "Operator notes" },
  assignedContact: { id: "lead.assignedContact", defaultMessage: "Assigned contact" },
  touchpoints: { id: "lead.touchpoints", defaultMessage: "Touchpoints" },
  dealNotes: { id: "deal.notes", defaultMessage: "Deal notes" },
  team: { id: "deal.team", defaultMessage: "Team" },
  opportunity: { id: "deal.opportunity", defaultMessage: "Opportunity" },
  closedBecause: { id: "deal.closedBecause", defaultMessage: "Closed because" },
  customerResponded: { id: "evaluation.customerResponded", defaultMessage: "Customer responded" },
  authority: { id: "evaluation.authority", defaultMessage: "Decision maker identified" },
  missing: { id: "evaluation.missing", defaultMessage: "Still missing before won or convert" },
});

const MISSING_STEP_LABELS = defineMessages({
  qualify: { id: "missingStep.qualify", defaultMessage: "qualification" },
  customer_responded: { id: "missingStep.customer_responded", defaultMessage: "the customer's response" },
  evaluate: { id: "missingStep.evaluate", defaultMessage: "evaluation (budget, authority, need, timeline)" },
});

/** One lead: customer and contact validity with the quality reasons, offer, deal, qualification,
 * evaluation and history; the actions its state and the person's role allow. */
export function LeadPage() {
  const intl = useIntl();
  const format = useFormats();
  const { leadId = "" } = useParams();
  const lead = useLead(leadId);
  const [acting, setActing] = useState<Action>();
  const session = currentSession();

  if (lead.isPending) return <Spinner label={intl.formatMessage({ id: "lead.loading", defaultMessage: "Loading the lead…" })} />;
  if (lead.isError) return <ProblemBar error={lead.error} retry={() => void lead.refetch()} />;
  const data = lead.data;
  const actions = canAct(session) ? data.actions.filter((action) => FORMS[action]) : [];
  const t = (descriptor: MessageDescriptor) => intl.formatMessage(descriptor);
  const yesNo = (value: boolean) => t(value ? YES_NO.yes : YES_NO.no);
  return (
    <article aria-labelledby="lead-title" className="lead">
      <p>
        <Link to={{ pathname: "/", search: lastListSearch() }}>
          <FormattedMessage id="lead.back" defaultMessage="← Back to the list" />
        </Link>
      </p>
      <div className="page-head">
        <h1 id="lead-title">{companyName(intl, data)}</h1>
        <Badge appearance="outline">{label(intl, STATUS_LABELS, data.status)}</Badge>
        {data.outcome && <Badge appearance="tint">{label(intl, OUTCOME_LABELS, data.outcome)}</Badge>}
        <FlameBadge flame={data.flame} />
        <FavoriteButton lead={data} canAct={canAct(session)} />
      </div>
      {actions.length > 0 && (
        <div className="actions" role="group" aria-label={intl.formatMessage({ id: "lead.actions", defaultMessage: "Actions" })}>
          {actions.map((action) => (
            <Button key={action} onClick={() => setActing(action)} appearance={action === "accept" ? "primary" : "secondary"}>
              {label(intl, ACTION_LABELS, action)}
            </Button>
          ))}
        </div>
      )}
      {acting && (
        <ActionDialog
          lead={data}
          action={acting}
          onClose={() => setActing(undefined)}
          onReload={() => {
            setActing(undefined);
            void lead.refetch();
          }}
        />
      )}
      <div className="cards">
        <Section title={intl.formatMessage({ id: "lead.section.customer", defaultMessage: "Customer" })}>
          <Facts
            rows={[
              [t(FACTS.contact), contactName(data)],
              [t(FACTS.title), data.customer.title],
              [t(FACTS.email), data.customer.email, label(intl, EMAIL_VALIDITY_LABELS, data.email_validity)],
              [t(FACTS.phone), data.customer.phone, label(intl, PHONE_VALIDITY_LABELS, data.phone_validity)],
              [t(FIELD_LABELS.country), format.country(data.customer.country)],
              [t(FIELD_LABELS.lead_quality), label(intl, QUALITY_LABELS, data.lead_quality), data.quality_reasons.map((reason) => qualityReason(intl, reason)).join("; ") || undefined],
              [t(FACTS.doNotContact), data.do_not_contact ? t(FACTS.doNotContactYes) : t(YES_NO.no)],
            ]}
          />
          <Text size={200}>
            <FormattedMessage
              id="lead.reachabilityOnly"
              defaultMessage="LeadDesk checks contact details for reachability only; it does not vouch for the customer."
            />
          </Text>
        </Section>
        <Section title={intl.formatMessage({ id: "lead.section.lead", defaultMessage: "Lead" })}>
          <Facts
            rows={[
              [t(FACTS.type), label(intl, LEAD_TYPE_LABELS, data.lead_type)],
              [t(FIELD_LABELS.lead_source), data.lead_source ? label(intl, SOURCE_LABELS, data.lead_source) : undefined],
              [t(FIELD_LABELS.call_to_action), data.call_to_action ? label(intl, CALL_TO_ACTION_LABELS, data.call_to_action) : undefined],
              [t(FACTS.offer), data.offer ? `${data.offer.title ?? ""} (${data.offer.key ?? ""})` : undefined],
              [t(FACTS.received), format.dateTime(data.created_at)],
              [t(FACTS.expires), data.expires_at ? format.dateTime(data.expires_at) : undefined],
              [t(FACTS.description), data.description],
              [t(FACTS.operatorNotes), data.notes],
              [t(FACTS.assignedContact), data.assigned_contact ? `${data.assigned_contact.name ?? ""} ${data.assigned_contact.email ?? ""}`.trim() : undefined],
              [
                t(FACTS.touchpoints),
                data.touchpoints
                  ? intl.formatMessage(
                      { id: "lead.touchpointsValue", defaultMessage: "{count, plural, one {# time} other {# times}}, last {last}" },
                      { count: data.touchpoints.count, last: format.dateTime(data.touchpoints.last_seen_at) },
                    )
                  : undefined,
              ],
            ]}
          />
        </Section>
        <Section title={intl.formatMessage({ id: "lead.section.deal", defaultMessage: "Deal" })}>
          <Facts
            rows={[
              [t(LEAD_FIELDS.dealName), data.deal_name],
              [t(LEAD_FIELDS.estimatedValue), data.estimated_value != null ? format.money(data.estimated_value, data.currency) : undefined],
              [t(LEAD_FIELDS.estimatedCloseDate), format.date(data.estimated_close_date)],
              [t(LEAD_FIELDS.crmId), data.crm_id],
              [t(LEAD_FIELDS.campaignId), data.campaign_id],
              [t(FACTS.dealNotes), data.deal_notes],
              [t(FACTS.team), data.team.length ? intl.formatList(data.team.map((member) => member.name)) : undefined],
              [t(FACTS.opportunity), data.opportunity_id],
              [t(FACTS.closedBecause), closure(intl, data)],
            ]}
          />
        </Section>
        <Section title={intl.formatMessage({ id: "lead.section.qualification", defaultMessage: "Qualification and evaluation" })}>
          <Facts
            rows={[
              [t(FACTS.customerResponded), data.qualification ? yesNo(data.qualification.customer_responded) : undefined],
              [t(LEAD_FIELDS.budget), data.evaluation?.budget ? label(intl, BUDGET_LABELS, data.evaluation.budget) : undefined],
              [t(FACTS.authority), data.evaluation?.authority == null ? undefined : yesNo(data.evaluation.authority)],
              [t(LEAD_FIELDS.need), data.evaluation?.need ? label(intl, NEED_LABELS, data.evaluation.need) : undefined],
              [t(LEAD_FIELDS.timeline), data.evaluation?.timeline ? label(intl, TIMELINE_LABELS, data.evaluation.timeline) : undefined],
              [
                t(FACTS.missing),
                data.missing_steps.length
                  ? intl.formatList(data.missing_steps.map((step) => label(intl, MISSING_STEP_LABELS, step)))
                  : undefined,
              ],
            ]}
          />
        </Section>
      </div>
      <Section title={intl.formatMessage({ id: "lead.section.history", defaultMessage: "History" })}>
        <LeadEmails emails={data.emails ?? []} />
        {data.history.length === 0 ? (
          <Text>
            <FormattedMessage id="lead.noHistory" defaultMessage="No change yet." />
          </Text>
        ) : (
          <ol className="history">
            {data.history.map((entry, index) => (
              <li key={index}>
                <HistoryEntry entry={entry} format={format} />
              </li>
            ))}
          </ol>
        )}
      </Section>
    </article>
  );
}

function HistoryEntry({ entry, format }: { entry: Lead["history"][number]; format: Formats }) {
  const intl = useIntl();
  return (
    <FormattedMessage
      id="lead.historyEntry"
      defaultMessage="<b>{action}</b> by {actor}, {at}: {from} → {to}"
      values={{
        b: (chunks) => <Text weight="semibold">{chunks}</Text>,
        action: label(intl, ACTION_LABELS, entry.action),
        actor: entry.actor,
        at: format.dateTime(entry.at),
        from: label(intl, STATUS_LABELS, entry.from_status),
        to: label(intl, STATUS_LABELS, entry.to_status),
      }}
    >
      {(parts) => (
        <>
          {parts}
          {entry.notes ? ` — ${entry.notes}` : ""}
        </>
      )}
    </FormattedMessage>
  );
}

function closure(intl: IntlShape, lead: Lead): string | undefined {
  const reason = lead.closure?.reason
    ? label(intl, CLOSE_REASON_LABELS, lead.closure.reason)
    : lead.closure?.error_reason
      ? label(intl, ERROR_REASON_LABELS, lead.closure.error_reason)
      : undefined;
  return reason ? `${reason}${lead.closure?.notes ? ` — ${lead.closure.notes}` : ""}` : undefined;
}

function FactNote({ note }: { note: string }) {
  const intl = useIntl();
  return (
    <Text size={200} className="note fact-note">
      {intl.formatMessage({ id: "lead.factNote", defaultMessage: "({note})" }, { note })}
    </Text>
  );
}

function Section({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <Card className="card">
      <CardHeader header={<Subtitle2 as="h2">{title}</Subtitle2>} />
      {children}
    </Card>
  );
}

/** Title, value and an optional note per row; a row without a value is left out. */
function Facts({ rows: all }: { rows: [string, string | null | undefined, string?][] }) {
  const rows = all.filter(([, value]) => value != null && value !== "");
  if (rows.length === 0) {
    return (
      <Text className="note">
        <FormattedMessage id="lead.nothingRecorded" defaultMessage="Nothing recorded yet." />
      </Text>
    );
  }
  return (
    <dl className="facts">
      {rows.map(([title, value, note]) => (
        <div key={title}>
          <dt>{title}</dt>
          <dd>
            {value}
            {note ? <FactNote note={note} /> : null}
          </dd>
        </div>
      ))}
    </dl>
  );
}
