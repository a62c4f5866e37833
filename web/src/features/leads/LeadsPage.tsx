import {
  Badge,
  Button,
  Dropdown,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  Option,
  Spinner,
  Tab as TabItem,
  TabList,
} from "@fluentui/react-components";
import { useEffect, useMemo } from "react";
import { Link, useNavigate, useSearchParams } from "react-router-dom";
import type { Lead, ListQuery, Tab } from "../../api/client";
import { canAct, currentSession } from "../../auth/session";
import { FavoriteButton } from "./FavoriteButton";
import { FlameBadge } from "../../components/FlameBadge";
import { ProblemBar } from "../../components/ProblemBar";
import {
  CALL_TO_ACTION_LABELS,
  contactName,
  EMAIL_VALIDITY_LABELS,
  LEAD_TYPE_LABELS,
  PHONE_VALIDITY_LABELS,
  QUALITY_LABELS,
  SOURCE_LABELS,
  STATUS_LABELS,
  TAB_LABELS,
  when,
} from "../../labels";
import { queryFromSearch, rememberListSearch, searchFromQuery, type MultiFilter } from "./listQuery";
import { useStartExport } from "../exports";
import { useLeads, useSummary } from "./queries";

const TABS: Tab[] = ["marketplace", "qualified", "favorites"];
const CHOICES: { name: MultiFilter; label: string; options: Record<string, string> }[] = [
  { name: "status", label: "Status", options: STATUS_LABELS },
  { name: "lead_type", label: "Lead type", options: LEAD_TYPE_LABELS },
  { name: "lead_source", label: "Source", options: SOURCE_LABELS },
  { name: "call_to_action", label: "Call to action", options: CALL_TO_ACTION_LABELS },
  { name: "lead_quality", label: "Quality", options: QUALITY_LABELS },
  { name: "email_validity", label: "Email validity", options: EMAIL_VALIDITY_LABELS },
  { name: "phone_validity", label: "Phone validity", options: PHONE_VALIDITY_LABELS },
];
const SORTS = { created_at: "Newest first", customer_name: "Customer name", estimated_value: "Estimated value" };

/** A tab of leads: counts, every filter, sort, and more rows by cursor; the filters live in the URL. */
export function LeadsPage() {
  const [search, setSearch] = useSearchParams();
  const query = useMemo(() => queryFromSearch(search), [search]);
  useEffect(() => rememberListSearch(search.toString() ? `?${search.toString()}` : ""), [search]);
  const tab = query.tab ?? "marketplace";
  const summary = useSummary();
  const leads = useLeads(query);
  const session = currentSession();
  const startExport = useStartExport();
  const navigate = useNavigate();

  function change(update: Partial<ListQuery>) {
    setSearch(searchFromQuery({ ...query, ...update }), { replace: false });
  }

  const rows = leads.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <section aria-labelledby="leads-title">
      <div className="page-head">
        <h1 id="leads-title">Leads</h1>
        {canAct(session) && (
          <Button
            appearance="primary"
            disabled={startExport.isPending}
            onClick={() =>
              startExport.mutate(query, { onSuccess: (started) => navigate(`/exports/${started.export_id}`) })
            }
          >
            {startExport.isPending ? "Starting export…" : "Export"}
          </Button>
        )}
      </div>
      {startExport.isError && <ProblemBar error={startExport.error} />}
      <TabList selectedValue={tab} onTabSelect={(_, data) => change({ tab: data.value as Tab })} aria-label="Lead tabs">
        {TABS.map((name) => (
          <TabItem key={name} value={name}>
            {TAB_LABELS[name]}
            {summary.data && <Badge appearance="tint" className="count">{summary.data.tabs[name]?.total ?? 0}</Badge>}
          </TabItem>
        ))}
      </TabList>

      <form className="filters" aria-label="Filters" onSubmit={(event) => event.preventDefault()}>
        {CHOICES.map(({ name, label, options }) => (
          <Field key={name} label={label}>
            <Dropdown
              multiselect
              placeholder="Any"
              selectedOptions={(query[name] as string[] | undefined) ?? []}
              value={((query[name] as string[] | undefined) ?? []).map((v) => options[v] ?? v).join(", ")}
              onOptionSelect={(_, data) => change({ [name]: data.selectedOptions })}
            >
              {Object.entries(options).map(([value, text]) => (
                <Option key={value} value={value}>
                  {text}
                </Option>
              ))}
            </Dropdown>
          </Field>
        ))}
        <Field label="Country (ISO codes)">
          <Input
            defaultValue={(query.country ?? []).join(",")}
            placeholder="US, DE"
            onBlur={(event) => change({ country: splitList(event.target.value.toUpperCase()) as ListQuery["country"] })}
          />
        </Field>
        <Field label="Customer name">
          <Input
            defaultValue={(query.customer_name ?? []).join(",")}
            onBlur={(event) => change({ customer_name: splitList(event.target.value) })}
          />
        </Field>
        <Field label="Created from">
          <Input type="date" defaultValue={query.created_from?.slice(0, 10)} onBlur={(e) => change({ created_from: e.target.value || undefined })} />
        </Field>
        <Field label="Created to">
          <Input type="date" defaultValue={query.created_to?.slice(0, 10)} onBlur={(e) => change({ created_to: e.target.value ? `${e.target.value}T23:59:59Z` : undefined })} />
        </Field>
        <Field label="Sort">
          <Dropdown
            value={SORTS[query.sort ?? "created_at"]}
            selectedOptions={[query.sort ?? "created_at"]}
            onOptionSelect={(_, data) => change({ sort: data.optionValue as ListQuery["sort"], order: undefined })}
          >
            {Object.entries(SORTS).map(([value, text]) => (
              <Option key={value} value={value}>
                {text}
              </Option>
            ))}
          </Dropdown>
        </Field>
        <Button onClick={() => setSearch(searchFromQuery({ tab }))}>Clear filters</Button>
      </form>

      {leads.isPending && <Spinner label="Loading leads…" />}
      {leads.isError && <ProblemBar error={leads.error} retry={() => void leads.refetch()} />}
      {leads.isSuccess && rows.length === 0 && (
        <MessageBar intent="info">
          <MessageBarBody>No leads match: change or clear the filters.</MessageBarBody>
        </MessageBar>
      )}
      {rows.length > 0 && <LeadTable leads={rows} canAct={canAct(session)} />}
      {leads.hasNextPage && (
        <Button onClick={() => void leads.fetchNextPage()} disabled={leads.isFetchingNextPage}>
          {leads.isFetchingNextPage ? "Loading…" : "Load more"}
        </Button>
      )}
    </section>
  );
}

function splitList(text: string): string[] | undefined {
  const values = text.split(",").map((value) => value.trim()).filter(Boolean);
  return values.length ? values : undefined;
}

/** The rows as a plain, semantic table: the list is the first thing a person waits for, and
 * Fluent's Table costs a style computation per cell on first render. */
function LeadTable({ leads, canAct }: { leads: Lead[]; canAct: boolean }) {
  return (
    <table aria-label="Leads" className="leads">
      <thead>
        <tr>
          <th scope="col">Customer</th>
          <th scope="col">Contact name</th>
          <th scope="col">Lead type</th>
          <th scope="col">Source</th>
          <th scope="col">Status</th>
          <th scope="col">Quality</th>
          <th scope="col">Created</th>
          <th scope="col">Flame</th>
          <th scope="col">Favorite</th>
        </tr>
      </thead>
      <tbody>
        {leads.map((lead) => (
          <tr key={lead.lead_id} data-lead-id={lead.lead_id}>
            <td>
              <Link to={`/leads/${lead.lead_id}`}>{lead.customer.company || "(no company)"}</Link>
            </td>
            <td>{contactName(lead)}</td>
            <td>{LEAD_TYPE_LABELS[lead.lead_type]}</td>
            <td>{lead.lead_source ? SOURCE_LABELS[lead.lead_source] : "—"}</td>
            <td>{STATUS_LABELS[lead.status]}</td>
            <td>{QUALITY_LABELS[lead.lead_quality]}</td>
            <td>{when(lead.created_at)}</td>
            <td>
              <FlameBadge flame={lead.flame} />
            </td>
            <td>
              <FavoriteButton lead={lead} canAct={canAct} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
