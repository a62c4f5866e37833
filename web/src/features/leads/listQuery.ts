// The list's tab, filters and sort live in the URL (bookmarkable, shareable): one mapping
// between the address's query string and the API's list query.
import type { ListQuery } from "../../api/client";

const MULTI = [
  "call_to_action",
  "country",
  "customer_name",
  "lead_source",
  "lead_type",
  "lead_quality",
  "status",
  "email_validity",
  "phone_validity",
] as const;
const SINGLE = ["tab", "sort", "order", "created_from", "created_to"] as const;

export type MultiFilter = (typeof MULTI)[number];

export function queryFromSearch(search: URLSearchParams): ListQuery {
  const query: Record<string, unknown> = {};
  for (const name of SINGLE) {
    const value = search.get(name);
    if (value) query[name] = value;
  }
  for (const name of MULTI) {
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
