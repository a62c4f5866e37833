import {
  Badge,
  Button,
  Card,
  CardHeader,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Spinner,
  Subtitle2,
  Text,
} from "@fluentui/react-components";
import { Copy16Regular, Fire20Filled, Fire20Regular } from "@fluentui/react-icons";
import { useState, type ReactNode } from "react";
import { FormattedMessage, useIntl, type IntlShape, type MessageDescriptor } from "react-intl";
import { Link, useParams } from "react-router-dom";
import { ApiError, type Action, type Lead } from "../../api/client";
import { canAct, currentSession } from "../../auth/session";
import { ActionDialog, FORMS } from "./ActionDialog";
import { FavoriteButton } from "./FavoriteButton";
import { ProblemBar } from "../../components/ProblemBar";
import { defineMessages, useFormats } from "../../i18n";
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
  NONE,
  SEPARATOR,
  YES_NO,
} from "../../labels";
import { HistoryEntry } from "./HistoryEntry";
import { LeadEmails } from "./LeadEmails";
import { LEAD_FIELDS, MISSING_STEP_LABELS } from "./leadFields";
import { phone } from "./phone";
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
  referrer: { id: "lead.referrer", defaultMessage: "Referred by" },
});

const REFERRER_KINDS = defineMessages({
  operator: { id: "referrer.operator", defaultMessage: "operator's seller" },
  partner: { id: "referrer.partner", defaultMessage: "partner" },
});

const ALERTS = defineMessages({
  hotTitle: { id: "flame.hotTitle", defaultMessage: "The customer asked to be contacted" },
  hot: {
    id: "flame.hotMessage",
    defaultMessage: "The request came {ago}. Contact the customer as quickly as possible: it improves your chances of winning the deal.",
  },
  coolingTitle: { id: "flame.coolingTitle", defaultMessage: "Still worth contacting" },
  cooling: {
    id: "flame.coolingMessage",
    defaultMessage: "The customer asked to be contacted {ago}, more than 72 hours ago. The lead is still active: contact the customer if you want to pursue it.",
  },
  checkTitle: { id: "contact.checkTitle", defaultMessage: "Check this contact before you reply" },
  emailSpam: { id: "contact.emailSpam", defaultMessage: "The email address is a known spam source." },
  emailInvalid: { id: "contact.emailInvalid", defaultMessage: "The email address looks invalid: a message may not reach the customer." },
  phoneInvalid: { id: "contact.phoneInvalid", defaultMessage: "The phone number is not valid for the customer's country." },
  lowQuality: { id: "contact.lowQuality", defaultMessage: "Low quality: this may be a spam lead." },
  doNotContact: { id: "contact.doNotContact", defaultMessage: "Do not contact this customer: the marketplace says they must not be contacted." },
  copyEmail: { id: "contact.copyEmail", defaultMessage: "Copy the email address" },
  copyPhone: { id: "contact.copyPhone", defaultMessage: "Copy the phone number" },
  copied: { id: "contact.copied", defaultMessage: "Copied" },
  gated: { id: "lead.gated", defaultMessage: "Won and Convert need {steps} first." },
});

/** Won and convert: visible while the lead is accepted, usable once nothing is missing. */
const GATED: readonly Action[] = ["won", "convert"];


/** One lead, contact first: the flame and any doubt about the contact at the top, the email and
 * phone as links with copy buttons, then the lead, the deal (with its team), qualification and
 * evaluation, and the history with each field's change and who made it. */
export function LeadPage() {
  const intl = useIntl();
  const format = useFormats();
  const { leadId = "" } = useParams();
  const lead = useLead(leadId);
  const [acting, setActing] = useState<Action>();
  const session = currentSession();

  if (lead.isPending) return <Spinner label={intl.formatMessage({ id: "lead.loading", defaultMessage: "Loading the lead…" })} />;
  if (lead.isError) return <LeadProblem error={lead.error} retry={() => void lead.refetch()} />;
  const data = lead.data;
  const actions = canAct(session) ? data.actions.filter((action) => FORMS[action]) : [];
  const gated = data.missing_steps.length > 0;
  const missing = intl.formatList(data.missing_steps.map((step) => label(intl, MISSING_STEP_LABELS, step)));
  const t = (descriptor: MessageDescriptor) => intl.formatMessage(descriptor);
  const yesNo = (value: boolean) => t(value ? YES_NO.yes : YES_NO.no);
  const reasons = data.quality_reasons.map((reason) => sentence(intl, qualityReason(intl, reason)));
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
        <FavoriteButton lead={data} canAct={canAct(session)} />
      </div>
      <FlameAlert lead={data} />
      <ContactWarnings lead={data} />
      {actions.length > 0 && (
        <div className="actions" role="group" aria-label={intl.formatMessage({ id: "lead.actions", defaultMessage: "Actions" })}>
          {actions.map((action) => {
            const blocked = gated && GATED.includes(action);
            return (
              <Button
                key={action}
                onClick={() => setActing(action)}
                appearance={action === "accept" ? "primary" : "secondary"}
                disabledFocusable={blocked}
                aria-describedby={blocked ? "gated-steps" : undefined}
              >
                {label(intl, ACTION_LABELS, action)}
              </Button>
            );
          })}
          {gated && actions.some((action) => GATED.includes(action)) && (
            <Text id="gated-steps" className="note gated">
              {intl.formatMessage(ALERTS.gated, { steps: missing })}
            </Text>
          )}
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
              [
                t(FACTS.email),
                data.customer.email ? (
                  <Reach text={data.customer.email} href={data.do_not_contact ? undefined : `mailto:${data.customer.email}`} copy={t(ALERTS.copyEmail)} />
                ) : undefined,
                label(intl, EMAIL_VALIDITY_LABELS, data.email_validity),
              ],
              [t(FACTS.phone), data.customer.phone ? <PhoneLink lead={data} number={data.customer.phone} copy={t(ALERTS.copyPhone)} /> : undefined, label(intl, PHONE_VALIDITY_LABELS, data.phone_validity)],
              [t(FIELD_LABELS.country), format.country(data.customer.country)],
              [
                t(FIELD_LABELS.lead_quality),
                label(intl, QUALITY_LABELS, data.lead_quality),
              ],
              [t(FACTS.doNotContact), data.do_not_contact ? t(FACTS.doNotContactYes) : t(YES_NO.no)],
            ]}
          />
          {reasons.length > 0 && (
            <ul className="reasons" aria-label={intl.formatMessage({ id: "lead.qualityReasons", defaultMessage: "Why this quality" })}>
              {reasons.map((reason) => (
                <li key={reason}>{reason}</li>
              ))}
            </ul>
          )}
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
              [t(FACTS.referrer), data.referrer ? <Referrer referrer={data.referrer} /> : undefined],
              [t(FACTS.received), format.dateTime(data.created_at)],
              [
                t(FACTS.expires),
                data.expires_at
                  ? intl.formatMessage(
                      { id: "lead.expiresValue", defaultMessage: "{when} ({left})" },
                      { when: format.dateTime(data.expires_at), left: format.relative(data.expires_at) },
                    )
                  : undefined,
              ],
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
              [t(FACTS.team), data.team.length ? <Team lead={data} /> : undefined],
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
              [t(FACTS.missing), data.missing_steps.length ? missing : undefined],
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
          <ol className="history" aria-label={intl.formatMessage({ id: "lead.section.history", defaultMessage: "History" })}>
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

/** A sentence starts with a capital letter, in the person's language. */
function sentence(intl: IntlShape, text: string): string {
  return text.charAt(0).toLocaleUpperCase(intl.locale) + text.slice(1);
}

/** A lead that cannot be read: another partner's or unknown id (404) says so, with a way back. */
function LeadProblem({ error, retry }: { error: Error; retry: () => void }) {
  const back = (
    <p>
      <Link to={{ pathname: "/", search: lastListSearch() }}>
        <FormattedMessage id="lead.back" defaultMessage="← Back to the list" />
      </Link>
    </p>
  );
  if (error instanceof ApiError && error.status === 404) {
    return (
      <section aria-labelledby="lead-missing" className="lead">
        <h1 id="lead-missing">
          <FormattedMessage id="lead.notFoundTitle" defaultMessage="This lead cannot be found" />
        </h1>
        <p>
          <FormattedMessage
            id="lead.notFound"
            defaultMessage="The link may be mistyped, or the lead belongs to another partner. Your leads are in the list."
          />
        </p>
        {back}
      </section>
    );
  }
  return (
    <section className="lead">
      {back}
      <ProblemBar error={error} retry={retry} />
    </section>
  );
}

/** The flame: the customer asked to be contacted. Hot for 72 hours after the request, then the
 * icon and the message change (the lead stays active). */
function FlameAlert({ lead }: { lead: Lead }) {
  const intl = useIntl();
  const format = useFormats();
  if (lead.flame === "none" || lead.do_not_contact) return null;
  const hot = lead.flame === "hot";
  const ago = format.relative(lead.created_at);
  return (
    <MessageBar
      intent={hot ? "warning" : "info"}
      role={hot ? "alert" : "status"}
      className={`flame-alert ${lead.flame}`}
      icon={hot ? <Fire20Filled /> : <Fire20Regular />}
    >
      <MessageBarBody>
        <MessageBarTitle>{intl.formatMessage(hot ? ALERTS.hotTitle : ALERTS.coolingTitle)}</MessageBarTitle>
        {intl.formatMessage(hot ? ALERTS.hot : ALERTS.cooling, { ago })}
      </MessageBarBody>
    </MessageBar>
  );
}

/** Doubts about the contact, where they cannot be missed: spam, invalid, low quality, do not contact. */
function ContactWarnings({ lead }: { lead: Lead }) {
  const intl = useIntl();
  const points = [
    lead.do_not_contact && ALERTS.doNotContact,
    lead.email_validity === "spam" && ALERTS.emailSpam,
    lead.email_validity === "invalid" && ALERTS.emailInvalid,
    lead.phone_validity === "invalid" && ALERTS.phoneInvalid,
    lead.lead_quality === "low" && ALERTS.lowQuality,
  ].filter((point): point is MessageDescriptor => Boolean(point));
  if (!points.length) return null;
  const serious = lead.email_validity === "spam" || lead.lead_quality === "low" || lead.do_not_contact;
  return (
    <MessageBar intent={serious ? "error" : "warning"} className="contact-warning" layout="multiline">
      <MessageBarBody>
        <MessageBarTitle>{intl.formatMessage(ALERTS.checkTitle)}</MessageBarTitle>
        <ul>
          {points.map((point) => (
            <li key={point.id}>{intl.formatMessage(point)}</li>
          ))}
        </ul>
      </MessageBarBody>
    </MessageBar>
  );
}

/** A contact detail as a link (none for a customer who must not be contacted) and a copy button. */
function Reach({ text, href, copy }: { text: string; href?: string; copy: string }) {
  const intl = useIntl();
  const [copied, setCopied] = useState(false);
  return (
    <span className="reach-line">
      {href ? <a href={href}>{text}</a> : <span>{text}</span>}
      <Button
        size="small"
        appearance="subtle"
        icon={<Copy16Regular />}
        aria-label={copy}
        title={copy}
        onClick={() => {
          void navigator.clipboard?.writeText(text).then(() => setCopied(true));
        }}
      />
      <span role="status" className="note">
        {copied ? intl.formatMessage(ALERTS.copied) : ""}
      </span>
    </span>
  );
}

function PhoneLink({ lead, number, copy }: { lead: Lead; number: string; copy: string }) {
  const shown = phone(number, lead.customer.country);
  return <Reach text={shown.text} href={shown.dial && !lead.do_not_contact ? `tel:${shown.dial}` : undefined} copy={copy} />;
}

function Referrer({ referrer }: { referrer: NonNullable<Lead["referrer"]> }) {
  const intl = useIntl();
  const kind = label(intl, REFERRER_KINDS, referrer.kind);
  return (
    <span>
      {intl.formatMessage({ id: "lead.referrerValue", defaultMessage: "{name} ({kind})" }, { name: referrer.name || NONE, kind })}
      {referrer.email && (
        <>
          {" "}
          <a href={`mailto:${referrer.email}`}>{referrer.email}</a>
        </>
      )}
    </span>
  );
}

/** The people of the partner working the deal: name, email and phone, each reachable. */
function Team({ lead }: { lead: Lead }) {
  return (
    <ul className="team-list">
      {lead.team.map((member) => {
        const number = member.phone ? phone(member.phone, lead.customer.country) : undefined;
        return (
          <li key={member.email}>
            <Text weight="semibold">{member.name}</Text>{SEPARATOR}<a href={`mailto:${member.email}`}>{member.email}</a>
            {number && (
              <>
                {SEPARATOR}
                {number.dial ? <a href={`tel:${number.dial}`}>{number.text}</a> : number.text}
              </>
            )}
          </li>
        );
      })}
    </ul>
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

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Card className="card">
      <CardHeader header={<Subtitle2 as="h2">{title}</Subtitle2>} />
      {children}
    </Card>
  );
}

/** Title, value and an optional note per row; a row without a value is left out. */
function Facts({ rows: all }: { rows: [string, ReactNode | null | undefined, string?][] }) {
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
