// The list's tab, filters and sort live in the URL (bookmarkable, shareable): one mapping
// between the address's query string and the API's list query. The filters, their values and
// the tabs offering them come from the API's document (api/listFilters.ts, generated).
import type { ListQuery, Tab } from "../../api/client";
import { LIST_FILTERS } from "../../api/listFilters";

const SINGLE = ["tab", "sort", "order", "created_from", "created_to"] as const;

export type MultiFilter = keyof typeof LIST_FILTERS;

const MULTI = Object.keys(LIST_FILTERS) as MultiFilter[];

/** The filters a tab offers, in the API's order (lead source and call to action: marketplace leads). */
export function filtersOfTab(tab: Tab): MultiFilter[] {
  return MULTI.filter((name) => (LIST_FILTERS[name].tabs as readonly Tab[]).includes(tab));
}

/** The list query of an address; a filter its tab does not offer is left out (an address kept
 * from another tab must not empty this one). */
export function queryFromSearch(search: URLSearchParams): ListQuery {
  const query: Record<string, unknown> = {};
  for (const name of SINGLE) {
    const value = search.get(name);
    if (value) query[name] = value;
  }
  for (const name of filtersOfTab((query.tab as Tab | undefined) ?? "marketplace")) {
    const values = search
      .getAll(name)
      .flatMap((value) => value.split(","))
      .map((value) => value.trim())
      .filter(Boolean);
    if (values.length) query[name] = values;
  }
  if (search.get("include_test") === "true") query.include_test = true;
  return query as ListQuery;
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
