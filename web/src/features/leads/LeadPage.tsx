import { Badge, Button, Card, CardHeader, Spinner, Subtitle2, Text } from "@fluentui/react-components";
import { useState } from "react";
import { Link, useParams } from "react-router-dom";
import type { Action, Lead } from "../../api/client";
import { canAct, currentSession } from "../../auth/session";
import { ActionDialog, FORMS } from "./ActionDialog";
import { FavoriteButton } from "./FavoriteButton";
import { FlameBadge } from "../../components/FlameBadge";
import { ProblemBar } from "../../components/ProblemBar";
import {
  ACTION_LABELS,
  BUDGET_LABELS,
  CALL_TO_ACTION_LABELS,
  CLOSE_REASON_LABELS,
  contactName,
  EMAIL_VALIDITY_LABELS,
  ERROR_REASON_LABELS,
  LEAD_TYPE_LABELS,
  NEED_LABELS,
  OUTCOME_LABELS,
  PHONE_VALIDITY_LABELS,
  QUALITY_LABELS,
  SOURCE_LABELS,
  STATUS_LABELS,
  TIMELINE_LABELS,
  when,
} from "../../labels";
import { lastListSearch } from "./listQuery";
import { useLead } from "./queries";

/** One lead: customer and contact validity with the quality reasons, offer, deal, qualification,
 * evaluation and history; the actions its state and the person's role allow. */
export function LeadPage() {
  const { leadId = "" } = useParams();
  const lead = useLead(leadId);
  const [acting, setActing] = useState<Action>();
  const session = currentSession();

  if (lead.isPending) return <Spinner label="Loading the lead…" />;
  if (lead.isError) return <ProblemBar error={lead.error} retry={() => void lead.refetch()} />;
  const data = lead.data;
  const actions = canAct(session) ? data.actions.filter((action) => FORMS[action]) : [];
  return (
    <article aria-labelledby="lead-title" className="lead">
      <p>
        <Link to={{ pathname: "/", search: lastListSearch() }}>← Back to the list</Link>
      </p>
      <div className="page-head">
        <h1 id="lead-title">{data.customer.company || "(no company)"}</h1>
        <Badge appearance="outline">{STATUS_LABELS[data.status]}</Badge>
        {data.outcome && <Badge appearance="tint">{OUTCOME_LABELS[data.outcome]}</Badge>}
        <FlameBadge flame={data.flame} />
        <FavoriteButton lead={data} canAct={canAct(session)} />
      </div>
      {actions.length > 0 && (
        <div className="actions" role="group" aria-label="Actions">
          {actions.map((action) => (
            <Button key={action} onClick={() => setActing(action)} appearance={action === "accept" ? "primary" : "secondary"}>
              {ACTION_LABELS[action]}
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
        <Section title="Customer">
          <Facts
            rows={[
              ["Contact", contactName(data)],
              ["Title", data.customer.title],
              ["Email", data.customer.email, EMAIL_VALIDITY_LABELS[data.email_validity]],
              ["Phone", data.customer.phone, PHONE_VALIDITY_LABELS[data.phone_validity]],
              ["Country", data.customer.country],
              ["Quality", QUALITY_LABELS[data.lead_quality], data.quality_reasons.join("; ") || undefined],
              ["Do not contact", data.do_not_contact ? "Yes: the customer must not be contacted" : "No"],
            ]}
          />
          <Text size={200}>LeadDesk checks contact details for reachability only, never identity.</Text>
        </Section>
        <Section title="Lead">
          <Facts
            rows={[
              ["Type", LEAD_TYPE_LABELS[data.lead_type]],
              ["Source", data.lead_source ? SOURCE_LABELS[data.lead_source] : undefined],
              ["Call to action", data.call_to_action ? CALL_TO_ACTION_LABELS[data.call_to_action] : undefined],
              ["Offer", data.offer ? `${data.offer.title ?? ""} (${data.offer.key ?? ""})` : undefined],
              ["Received", when(data.created_at)],
              ["Expires", data.expires_at ? when(data.expires_at) : undefined],
              ["Description", data.description],
              ["Operator notes", data.notes],
              ["Assigned contact", data.assigned_contact ? `${data.assigned_contact.name ?? ""} ${data.assigned_contact.email ?? ""}` : undefined],
              ["Touchpoints", data.touchpoints ? `${data.touchpoints.count}, last ${when(data.touchpoints.last_seen_at)}` : undefined],
            ]}
          />
        </Section>
        <Section title="Deal">
          <Facts
            rows={[
              ["Deal name", data.deal_name],
              ["Estimated value", data.estimated_value != null ? `${data.estimated_value} ${data.currency ?? ""}` : undefined],
              ["Estimated close date", data.estimated_close_date],
              ["CRM id", data.crm_id],
              ["Campaign id", data.campaign_id],
              ["Deal notes", data.deal_notes],
              ["Team", data.team.map((member) => member.name).join(", ") || undefined],
              ["Opportunity", data.opportunity_id],
              ["Closed because", closure(data)],
            ]}
          />
        </Section>
        <Section title="Qualification and evaluation">
          <Facts
            rows={[
              ["Customer responded", data.qualification ? (data.qualification.customer_responded ? "Yes" : "No") : undefined],
              ["Budget", data.evaluation?.budget ? BUDGET_LABELS[data.evaluation.budget] : undefined],
              ["Decision maker identified", data.evaluation?.authority == null ? undefined : data.evaluation.authority ? "Yes" : "No"],
              ["Need", data.evaluation?.need ? NEED_LABELS[data.evaluation.need] : undefined],
              ["Timeline", data.evaluation?.timeline ? TIMELINE_LABELS[data.evaluation.timeline] : undefined],
              ["Still missing before won or convert", data.missing_steps.join(", ") || undefined],
            ]}
          />
        </Section>
      </div>
      <Section title="History">
        {data.history.length === 0 ? (
          <Text>No change yet.</Text>
        ) : (
          <ol className="history">
            {data.history.map((entry, index) => (
              <li key={index}>
                <Text weight="semibold">{ACTION_LABELS[entry.action as Action] ?? entry.action}</Text> by {entry.actor}, {when(entry.at)}:{" "}
                {STATUS_LABELS[entry.from_status]} → {STATUS_LABELS[entry.to_status]}
                {entry.notes ? ` — ${entry.notes}` : ""}
              </li>
            ))}
          </ol>
        )}
      </Section>
    </article>
  );
}

function closure(lead: Lead): string | undefined {
  const reason = lead.closure?.reason ? CLOSE_REASON_LABELS[lead.closure.reason] : lead.closure?.error_reason ? ERROR_REASON_LABELS[lead.closure.error_reason] : undefined;
  return reason ? `${reason}${lead.closure?.notes ? ` — ${lead.closure.notes}` : ""}` : undefined;
}

function Section({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <Card className="card">
      <CardHeader header={<Subtitle2 as="h2">{title}</Subtitle2>} />
      {children}
    </Card>
  );
}

function Facts({ rows }: { rows: [string, string | null | undefined, string?][] }) {
  const shown = rows.filter(([, value]) => value != null && value !== "");
  if (shown.length === 0) return <Text className="note">Nothing recorded yet.</Text>;
  return (
    <dl className="facts">
      {shown.map(([label, value, note]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>
            {value}
            {note ? <Text size={200} className="note"> ({note})</Text> : null}
          </dd>
        </div>
      ))}
    </dl>
  );
}
