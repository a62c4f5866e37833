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
import { FormattedMessage, useIntl } from "react-intl";
import { Link, useNavigate, useSearchParams } from "react-router-dom";
import type { Lead, ListQuery, Tab } from "../../api/client";
import { canAct, currentSession } from "../../auth/session";
import { FavoriteButton } from "./FavoriteButton";
import { ChoiceDropdown } from "../../components/ChoiceDropdown";
import { FlameBadge } from "../../components/FlameBadge";
import { ProblemBar } from "../../components/ProblemBar";
import { useFormats } from "../../i18n";
import {
  companyName,
  contactName,
  FIELD_LABELS,
  FILTER_VALUE_LABELS,
  label,
  LEAD_TYPE_LABELS,
  NONE,
  options,
  QUALITY_LABELS,
  SORT_LABELS,
  SOURCE_LABELS,
  STATUS_LABELS,
  TAB_LABELS,
  type Labels,
} from "../../labels";
import { filtersOfTab, queryFromSearch, rememberListSearch, searchFromQuery } from "./listQuery";
import { useStartExport } from "../exports";
import { useLeads, useSummary } from "./queries";

const TABS: Tab[] = ["marketplace", "qualified", "favorites"];
/** The choice filters, each a multiselect of its values. */
const CHOICES = Object.keys(FILTER_VALUE_LABELS) as (keyof typeof FILTER_VALUE_LABELS)[];

/** A tab of leads: counts, every filter, sort, and more rows by cursor; the filters live in the URL. */
export function LeadsPage() {
  const intl = useIntl();
  const [search, setSearch] = useSearchParams();
  const query = useMemo(() => queryFromSearch(search), [search]);
  useEffect(() => rememberListSearch(search.toString() ? `?${search.toString()}` : ""), [search]);
  const tab = query.tab ?? "marketplace";
  const offered: readonly string[] = filtersOfTab(tab);
  const summary = useSummary();
  const leads = useLeads(query);
  const session = currentSession();
  const startExport = useStartExport();
  const navigate = useNavigate();

  function change(update: Partial<ListQuery>) {
    setSearch(searchFromQuery({ ...query, ...update }), { replace: false });
  }

  const rows = leads.data?.pages.flatMap((page) => page.items) ?? [];
  const sort = query.sort ?? "created_at";
  return (
    <section aria-labelledby="leads-title">
      <div className="page-head">
        <h1 id="leads-title">
          <FormattedMessage id="leads.title" defaultMessage="Leads" />
        </h1>
        {canAct(session) && (
          <Button
            appearance="primary"
            disabled={startExport.isPending}
            onClick={() =>
              startExport.mutate(query, { onSuccess: (started) => navigate(`/exports/${started.export_id}`) })
            }
          >
            {startExport.isPending ? (
              <FormattedMessage id="leads.exportStarting" defaultMessage="Starting export…" />
            ) : (
              <FormattedMessage id="leads.export" defaultMessage="Export" />
            )}
          </Button>
        )}
      </div>
      {startExport.isError && <ProblemBar error={startExport.error} />}
      <TabList
        className="tabs"
        selectedValue={tab}
        onTabSelect={(_, data) => change({ tab: data.value as Tab })}
        aria-label={intl.formatMessage({ id: "leads.tabs", defaultMessage: "Lead tabs" })}
      >
        {TABS.map((name) => (
          <TabItem key={name} value={name}>
            {intl.formatMessage(TAB_LABELS[name])}
            {summary.data && (
              <Badge appearance="tint" className="count">
                {intl.formatNumber(summary.data.tabs[name]?.total ?? 0)}
              </Badge>
            )}
          </TabItem>
        ))}
      </TabList>

      <form
        className="filters"
        aria-label={intl.formatMessage({ id: "leads.filters", defaultMessage: "Filters" })}
        onSubmit={(event) => event.preventDefault()}
      >
        {CHOICES.filter((name) => offered.includes(name)).map((name) => {
          const labels: Labels<string> = FILTER_VALUE_LABELS[name];
          const selected = (query[name] as string[] | undefined) ?? [];
          return (
            <Field key={name} label={intl.formatMessage(FIELD_LABELS[name])}>
              <Dropdown
                multiselect
                placeholder={intl.formatMessage({ id: "leads.filterAny", defaultMessage: "Any" })}
                selectedOptions={selected}
                value={intl.formatList(selected.map((value) => label(intl, labels, value)))}
                onOptionSelect={(_, data) => change({ [name]: data.selectedOptions })}
              >
                {options(intl, labels).map(([value, text]) => (
                  <Option key={value} value={value}>
                    {text}
                  </Option>
                ))}
              </Dropdown>
            </Field>
          );
        })}
        <Field label={intl.formatMessage({ id: "leads.filterCountry", defaultMessage: "Country (ISO codes)" })}>
          <Input
            defaultValue={(query.country ?? []).join(",")}
            placeholder={intl.formatMessage({ id: "leads.filterCountryExample", defaultMessage: "US, DE" })}
            onBlur={(event) => change({ country: splitList(event.target.value.toUpperCase()) as ListQuery["country"] })}
          />
        </Field>
        <Field label={intl.formatMessage(FIELD_LABELS.customer_name)}>
          <Input
            defaultValue={(query.customer_name ?? []).join(",")}
            onBlur={(event) => change({ customer_name: splitList(event.target.value) })}
          />
        </Field>
        <Field label={intl.formatMessage(FIELD_LABELS.created_from)}>
          <Input type="date" defaultValue={query.created_from?.slice(0, 10)} onBlur={(e) => change({ created_from: e.target.value || undefined })} />
        </Field>
        <Field label={intl.formatMessage(FIELD_LABELS.created_to)}>
          <Input type="date" defaultValue={query.created_to?.slice(0, 10)} onBlur={(e) => change({ created_to: e.target.value ? `${e.target.value}T23:59:59Z` : undefined })} />
        </Field>
        <Field label={intl.formatMessage({ id: "leads.sort", defaultMessage: "Sort" })}>
          <ChoiceDropdown labels={SORT_LABELS} value={sort} onChange={(value) => change({ sort: value, order: undefined })} />
        </Field>
        <Button onClick={() => setSearch(searchFromQuery({ tab }))}>
          <FormattedMessage id="leads.clearFilters" defaultMessage="Clear filters" />
        </Button>
      </form>

      {leads.isPending && <Spinner label={intl.formatMessage({ id: "leads.loading", defaultMessage: "Loading leads…" })} />}
      {leads.isError && <ProblemBar error={leads.error} retry={() => void leads.refetch()} />}
      {leads.isSuccess && rows.length === 0 && (
        <MessageBar intent="info">
          <MessageBarBody>
            <FormattedMessage id="leads.empty" defaultMessage="No leads match: change or clear the filters." />
          </MessageBarBody>
        </MessageBar>
      )}
      {rows.length > 0 && <LeadTable leads={rows} canAct={canAct(session)} />}
      {leads.hasNextPage && (
        <Button onClick={() => void leads.fetchNextPage()} disabled={leads.isFetchingNextPage}>
          {leads.isFetchingNextPage ? (
            <FormattedMessage id="common.loading" defaultMessage="Loading…" />
          ) : (
            <FormattedMessage id="common.loadMore" defaultMessage="Load more" />
          )}
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
  const intl = useIntl();
  const format = useFormats();
  return (
    <div className="table-scroll">
      <table aria-label={intl.formatMessage({ id: "leads.table", defaultMessage: "Leads" })} className="leads">
        <thead>
          <tr>
            <th scope="col">
              <FormattedMessage id="leads.column.customer" defaultMessage="Customer" />
            </th>
            <th scope="col">
              <FormattedMessage id="leads.column.contact" defaultMessage="Contact name" />
            </th>
            <th scope="col">{intl.formatMessage(FIELD_LABELS.lead_type)}</th>
            <th scope="col">{intl.formatMessage(FIELD_LABELS.lead_source)}</th>
            <th scope="col">{intl.formatMessage(FIELD_LABELS.status)}</th>
            <th scope="col">{intl.formatMessage(FIELD_LABELS.lead_quality)}</th>
            <th scope="col">
              <FormattedMessage id="leads.column.created" defaultMessage="Created" />
            </th>
            <th scope="col">
              <FormattedMessage id="leads.column.flame" defaultMessage="Flame" />
            </th>
            <th scope="col">
              <FormattedMessage id="leads.column.favorite" defaultMessage="Favorite" />
            </th>
          </tr>
        </thead>
        <tbody>
          {leads.map((lead) => (
            <tr key={lead.lead_id} data-lead-id={lead.lead_id}>
              <td>
                <Link to={`/leads/${lead.lead_id}`}>{companyName(intl, lead)}</Link>
              </td>
              <td>{contactName(lead)}</td>
              <td>{label(intl, LEAD_TYPE_LABELS, lead.lead_type)}</td>
              <td>{lead.lead_source ? label(intl, SOURCE_LABELS, lead.lead_source) : NONE}</td>
              <td>{label(intl, STATUS_LABELS, lead.status)}</td>
              <td>{label(intl, QUALITY_LABELS, lead.lead_quality)}</td>
              <td>{format.dateTime(lead.created_at)}</td>
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
    </div>
  );
}
