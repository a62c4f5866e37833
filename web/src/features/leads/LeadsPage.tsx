import {
  Badge,
  Button,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  Spinner,
  Tab as TabItem,
  TabList,
  ToggleButton,
} from "@fluentui/react-components";
import { ArrowSortDown16Regular, ArrowSortUp16Regular, Filter20Regular } from "@fluentui/react-icons";
import { useCallback, useEffect, useMemo, useState } from "react";
import { FormattedMessage, useIntl } from "react-intl";
import { Link, useNavigate, useSearchParams } from "react-router-dom";
import { ApiError, type Lead, type ListQuery, type Tab } from "../../api/client";
import { canAct, currentSession } from "../../auth/session";
import { FavoriteButton } from "./FavoriteButton";
import { FlameBadge } from "../../components/FlameBadge";
import { ProblemBar } from "../../components/ProblemBar";
import { defineMessages, useFormats } from "../../i18n";
import {
  companyName,
  contactName,
  FIELD_LABELS,
  FILTER_VALUE_LABELS,
  label,
  LEAD_TYPE_LABELS,
  NONE,
  OUTCOME_LABELS,
  QUALITY_LABELS,
  SOURCE_LABELS,
  STATUS_LABELS,
  TAB_LABELS,
  type Labels,
} from "../../labels";
import { ChoiceFilter, CountryFilter, DateFilter, leftOut, TextFilter } from "./ListFilters";
import {
  filtersOfTab,
  isNeedsResponse,
  knownTotal,
  needsResponseQuery,
  queryFromSearch,
  rejectedFromSearch,
  rememberListSearch,
  searchFromQuery,
} from "./listQuery";
import { useStartExport } from "../exports";
import { useLeads, useSummary } from "./queries";

const TABS: Tab[] = ["marketplace", "qualified", "favorites"];
/** The choice filters, each a multiselect of its values. */
const CHOICES = Object.keys(FILTER_VALUE_LABELS) as (keyof typeof FILTER_VALUE_LABELS)[];

const LIST = defineMessages({
  needsResponse: { id: "leads.needsResponse", defaultMessage: "Needs response" },
  shownOf: { id: "leads.shownOf", defaultMessage: "{shown} of {total}" },
  shown: { id: "leads.shown", defaultMessage: "{shown, plural, one {# lead} other {# leads}} shown" },
  showFilters: { id: "leads.showFilters", defaultMessage: "Filters" },
  emptyFiltered: { id: "leads.empty", defaultMessage: "No leads match these filters." },
  emptyTab: { id: "leads.emptyTab", defaultMessage: "No leads in this tab yet. New ones appear here as they arrive." },
  emptyFavorites: { id: "leads.emptyFavorites", defaultMessage: "No favorites yet. Mark a lead with the heart to find it here." },
  emptyNeedsResponse: { id: "leads.emptyNeedsResponse", defaultMessage: "Nothing needs a response: every received lead has an answer." },
  refusedFilter: { id: "leads.refusedFilter", defaultMessage: "A filter was refused: {message}" },
  timeLeft: { id: "leads.column.timeLeft", defaultMessage: "Time left" },
  value: { id: "leads.column.value", defaultMessage: "Estimated value" },
  sortBy: { id: "leads.sortBy", defaultMessage: "Sort by {column}" },
});

/** A tab of leads: counts, the "Needs response" queue, every filter of the tab, sortable columns,
 * and more rows by cursor; the filters live in the address. */
export function LeadsPage() {
  const intl = useIntl();
  const format = useFormats();
  const [search, setSearch] = useSearchParams();
  const query = useMemo(() => queryFromSearch(search), [search]);
  const rejected = useMemo(() => rejectedFromSearch(search), [search]);
  useEffect(() => rememberListSearch(search.toString() ? `?${search.toString()}` : ""), [search]);
  const tab = query.tab ?? "marketplace";
  const offered: readonly string[] = filtersOfTab(tab);
  const summary = useSummary();
  const leads = useLeads(query);
  const session = currentSession();
  const startExport = useStartExport();
  const navigate = useNavigate();
  const [filtersOpen, setFiltersOpen] = useState(false);

  function change(update: Partial<ListQuery>) {
    setSearch(searchFromQuery({ ...query, ...update }), { replace: false });
  }
  // Stable while the address stays: the text filter's pause timer depends on it.
  const applyName = useCallback(
    (names: string[]) => setSearch(searchFromQuery({ ...queryFromSearch(search), customer_name: names.length ? names : undefined })),
    [search, setSearch],
  );
  function clear() {
    setSearch(searchFromQuery({ tab: query.tab }));
  }

  const rows = leads.data?.pages.flatMap((page) => page.items) ?? [];
  const total = knownTotal(query, summary.data);
  const queue = isNeedsResponse(query);
  const waiting = summary.data?.tabs[tab]?.by_status?.received;
  const filtered = Object.keys(query).some((name) => !["tab", "sort", "order"].includes(name));
  const active = Object.keys(query).filter((name) => !["tab", "sort", "order"].includes(name)).length;
  const refusal = leads.error instanceof ApiError && leads.error.status === 400 ? leads.error : undefined;
  const oddAddress = (["tab", "sort", "order"] as const).filter((name) => rejected[name]);
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

      <div className="list-tools">
        <ToggleButton
          checked={queue}
          onClick={() => setSearch(searchFromQuery(queue ? { tab: query.tab } : needsResponseQuery(tab)))}
        >
          {intl.formatMessage(LIST.needsResponse)}
          {waiting != null && (
            <Badge appearance="filled" color={waiting ? "danger" : "informative"} className="count">
              {intl.formatNumber(waiting)}
            </Badge>
          )}
        </ToggleButton>
        <Button
          className="filters-toggle"
          icon={<Filter20Regular />}
          aria-expanded={filtersOpen}
          aria-controls="list-filters"
          onClick={() => setFiltersOpen((open) => !open)}
        >
          {intl.formatMessage(LIST.showFilters)}
          {active > 0 && (
            <Badge appearance="tint" className="count">
              {intl.formatNumber(active)}
            </Badge>
          )}
        </Button>
      </div>

      <form
        id="list-filters"
        className={`filters${filtersOpen ? " open" : ""}`}
        aria-label={intl.formatMessage({ id: "leads.filters", defaultMessage: "Filters" })}
        onSubmit={(event) => event.preventDefault()}
      >
        {CHOICES.filter((name) => offered.includes(name)).map((name) => (
          <ChoiceFilter
            key={name}
            name={name}
            labels={FILTER_VALUE_LABELS[name] as Labels<string>}
            selected={(query[name] as string[] | undefined) ?? []}
            problem={leftOut(intl, rejected, name)}
            onChange={(values) => change({ [name]: values.length ? values : undefined })}
          />
        ))}
        <CountryFilter
          selected={query.country ?? []}
          problem={leftOut(intl, rejected, "country")}
          onChange={(codes) => change({ country: (codes.length ? codes : undefined) as ListQuery["country"] })}
        />
        <TextFilter label={intl.formatMessage(FIELD_LABELS.customer_name)} value={(query.customer_name ?? []).join(", ")} onApply={applyName} />
        <DateFilter
          label={intl.formatMessage(FIELD_LABELS.created_from)}
          value={query.created_from?.slice(0, 10) ?? ""}
          problem={leftOut(intl, rejected, "created_from")}
          onApply={(date) => change({ created_from: date || undefined })}
        />
        <DateFilter
          label={intl.formatMessage(FIELD_LABELS.created_to)}
          value={query.created_to?.slice(0, 10) ?? ""}
          problem={leftOut(intl, rejected, "created_to")}
          onApply={(date) => change({ created_to: date ? `${date}T23:59:59Z` : undefined })}
        />
        <Button onClick={clear}>
          <FormattedMessage id="leads.clearFilters" defaultMessage="Clear filters" />
        </Button>
      </form>

      {oddAddress.length > 0 && (
        <MessageBar intent="warning">
          <MessageBarBody>
            {intl.formatMessage(
              { id: "leads.addressLeftOut", defaultMessage: "Left out of the address, not values the list knows: {values}" },
              { values: intl.formatList(oddAddress.flatMap((name) => rejected[name] ?? [])) },
            )}
          </MessageBarBody>
        </MessageBar>
      )}
      {leads.isPending && <Spinner label={intl.formatMessage({ id: "leads.loading", defaultMessage: "Loading leads…" })} />}
      {refusal && (
        <MessageBar intent="warning" role="alert">
          <MessageBarBody>{intl.formatMessage(LIST.refusedFilter, { message: refusal.message })}</MessageBarBody>
          <MessageBarActions>
            <Button onClick={clear}>
              <FormattedMessage id="leads.clearFilters" defaultMessage="Clear filters" />
            </Button>
          </MessageBarActions>
        </MessageBar>
      )}
      {leads.isError && !refusal && <ProblemBar error={leads.error} retry={() => void leads.refetch()} />}
      {leads.isSuccess && rows.length === 0 && (
        <MessageBar intent="info">
          <MessageBarBody>
            {intl.formatMessage(
              queue ? LIST.emptyNeedsResponse : filtered ? LIST.emptyFiltered : tab === "favorites" ? LIST.emptyFavorites : LIST.emptyTab,
            )}
          </MessageBarBody>
          {filtered && !queue && (
            <MessageBarActions>
              <Button onClick={clear}>
                <FormattedMessage id="leads.clearFilters" defaultMessage="Clear filters" />
              </Button>
            </MessageBarActions>
          )}
        </MessageBar>
      )}
      {rows.length > 0 && (
        <>
          <p className="note shown" role="status">
            {total != null && total >= rows.length
              ? intl.formatMessage(LIST.shownOf, { shown: format.number(rows.length), total: format.number(total) })
              : intl.formatMessage(LIST.shown, { shown: rows.length })}
          </p>
          <LeadTable leads={rows} canAct={canAct(session)} query={query} onSort={change} />
        </>
      )}
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


type Sort = NonNullable<ListQuery["sort"]>;
const FIRST_ORDER: Record<Sort, "asc" | "desc"> = { created_at: "desc", customer_name: "asc", estimated_value: "desc" };

/** A column header that sorts: a first click sorts the column its natural way, the next one
 * reverses it; `aria-sort` tells which way it is sorted. */
function SortHeader({ column, title, query, onSort }: { column: Sort; title: string; query: ListQuery; onSort: (update: Partial<ListQuery>) => void }) {
  const intl = useIntl();
  const sorted = (query.sort ?? "created_at") === column;
  const order = query.order ?? FIRST_ORDER[column];
  const next = sorted ? (order === "asc" ? "desc" : "asc") : FIRST_ORDER[column];
  return (
    <th scope="col" aria-sort={sorted ? (order === "asc" ? "ascending" : "descending") : "none"}>
      <button
        type="button"
        className="sort"
        title={intl.formatMessage(LIST.sortBy, { column: title })}
        onClick={() => onSort({ sort: column === "created_at" ? undefined : column, order: next === FIRST_ORDER[column] ? undefined : next })}
      >
        {title}
        {sorted && (order === "asc" ? <ArrowSortUp16Regular aria-hidden /> : <ArrowSortDown16Regular aria-hidden />)}
      </button>
    </th>
  );
}

/** The rows as a plain, semantic table: the list is the first thing a person waits for, and
 * Fluent's Table costs a style computation per cell on first render. */
function LeadTable({ leads, canAct, query, onSort }: { leads: Lead[]; canAct: boolean; query: ListQuery; onSort: (update: Partial<ListQuery>) => void }) {
  const intl = useIntl();
  const format = useFormats();
  return (
    <div className="table-scroll">
      <table aria-label={intl.formatMessage({ id: "leads.table", defaultMessage: "Leads" })} className="leads">
        <thead>
          <tr>
            <SortHeader
              column="customer_name"
              title={intl.formatMessage({ id: "leads.column.customer", defaultMessage: "Customer" })}
              query={query}
              onSort={onSort}
            />
            <th scope="col">
              <FormattedMessage id="leads.column.contact" defaultMessage="Contact name" />
            </th>
            <th scope="col">{intl.formatMessage(FIELD_LABELS.lead_type)}</th>
            <th scope="col">{intl.formatMessage(FIELD_LABELS.lead_source)}</th>
            <th scope="col">{intl.formatMessage(FIELD_LABELS.status)}</th>
            <th scope="col">{intl.formatMessage(LIST.timeLeft)}</th>
            <th scope="col">{intl.formatMessage(FIELD_LABELS.lead_quality)}</th>
            <SortHeader column="estimated_value" title={intl.formatMessage(LIST.value)} query={query} onSort={onSort} />
            <SortHeader
              column="created_at"
              title={intl.formatMessage({ id: "leads.column.created", defaultMessage: "Created" })}
              query={query}
              onSort={onSort}
            />
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
              <td>{lead.status === "archived" && lead.outcome ? label(intl, OUTCOME_LABELS, lead.outcome) : label(intl, STATUS_LABELS, lead.status)}</td>
              <td>{lead.expires_at ? format.relative(lead.expires_at) : NONE}</td>
              <td>{label(intl, QUALITY_LABELS, lead.lead_quality)}</td>
              <td>{lead.estimated_value != null ? format.money(lead.estimated_value, lead.currency) : NONE}</td>
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
