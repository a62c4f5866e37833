// The list's tab, filters and sort live in the URL (bookmarkable, shareable): one mapping
// between the address's query string and the API's list query. The filters, their values and
// the tabs offering them come from the API's document (api/listFilters.ts, generated).
import type { ListQuery, Summary, Tab } from "../../api/client";
import { LIST_FILTERS } from "../../api/listFilters";

const SINGLE = ["tab", "sort", "order", "created_from", "created_to"] as const;

export type MultiFilter = keyof typeof LIST_FILTERS;

const MULTI = Object.keys(LIST_FILTERS) as MultiFilter[];

/** The filters a tab offers, in the API's order (lead source and call to action: marketplace leads). */
export function filtersOfTab(tab: Tab): MultiFilter[] {
  return MULTI.filter((name) => (LIST_FILTERS[name].tabs as readonly Tab[]).includes(tab));
}

const SINGLE_VALUES: Partial<Record<(typeof SINGLE)[number], readonly string[]>> = {
  tab: ["marketplace", "qualified", "favorites"],
  sort: ["created_at", "customer_name", "estimated_value"],
  order: ["asc", "desc"],
};
const DATE = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/;

/** An address's values the API would refuse (a value outside a filter's list, a date that is no
 * date): name → the values. The list leaves them out and says so beside the control, so that a
 * hand-edited or old bookmark never breaks the list. */
export function rejectedFromSearch(search: URLSearchParams): Record<string, string[]> {
  return read(search).rejected;
}

/** The list query of an address; a filter its tab does not offer is left out (an address kept
 * from another tab must not empty this one), and so is a value the API would refuse. */
export function queryFromSearch(search: URLSearchParams): ListQuery {
  return read(search).query;
}

function read(search: URLSearchParams): { query: ListQuery; rejected: Record<string, string[]> } {
  const query: Record<string, unknown> = {};
  const rejected: Record<string, string[]> = {};
  for (const name of SINGLE) {
    const value = search.get(name)?.trim();
    if (!value) continue;
    const known = SINGLE_VALUES[name];
    const fine = known ? known.includes(value) : DATE.test(value);
    if (fine) query[name] = value;
    else rejected[name] = [value];
  }
  for (const name of filtersOfTab((query.tab as Tab | undefined) ?? "marketplace")) {
    const known: readonly string[] | null = LIST_FILTERS[name].values;
    const values = search
      .getAll(name)
      .flatMap((value) => value.split(","))
      .map((value) => value.trim())
      .filter(Boolean);
    // Country codes in any case, as the API takes them.
    const normal = (value: string) => (name === "country" ? value.toUpperCase() : value);
    const good = (known ? values.filter((value) => known.includes(normal(value))) : values).map(normal);
    const bad = values.filter((value) => !good.includes(normal(value)));
    if (good.length) query[name] = good;
    if (bad.length) rejected[name] = bad;
  }
  if (search.get("include_test") === "true") query.include_test = true;
  return { query: query as ListQuery, rejected };
}

/** The received leads of the tab, those expiring soonest first (every lead expires the same time
 * after it arrived, so the oldest first). */
export function needsResponseQuery(tab: Tab): ListQuery {
  return { ...(tab === "marketplace" ? {} : { tab }), status: ["received"], order: "asc" };
}

export function isNeedsResponse(query: ListQuery): boolean {
  const others = Object.keys(query).filter((name) => !["tab", "status", "order", "sort"].includes(name));
  return (
    others.length === 0 &&
    query.status?.length === 1 &&
    query.status[0] === "received" &&
    (query.sort ?? "created_at") === "created_at" &&
    query.order === "asc"
  );
}

/** How many leads the whole list holds, when the tab's counters know it: the tab with at most a
 * status filter (the counters count no test lead and know no other filter). */
export function knownTotal(query: ListQuery, summary: Summary | undefined): number | undefined {
  if (!summary) return undefined;
  const counts = summary.tabs[query.tab ?? "marketplace"];
  if (!counts) return undefined;
  const narrowing = Object.keys(query).filter((name) => !["tab", "status", "order", "sort"].includes(name));
  if (narrowing.length) return undefined;
  if (!query.status?.length) return counts.total;
  return query.status.reduce((sum, status) => sum + (counts.by_status?.[status] ?? 0), 0);
}

export function searchFromQuery(query: ListQuery): URLSearchParams {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === "" || name === "cursor" || name === "limit") continue;
    if (Array.isArray(value)) {
      if (value.length) search.set(name, value.join(","));
    } else {
      search.set(name, String(value));
    }
  }
  return search;
}

const LAST = "leaddesk.lastList";

/** The list's address as the person left it, so "back" returns to the same filters. */
export function rememberListSearch(search: string): void {
  sessionStorage.setItem(LAST, search);
}

export function lastListSearch(): string {
  return sessionStorage.getItem(LAST) ?? "";
}
