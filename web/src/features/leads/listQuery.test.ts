import { describe, expect, it } from "vitest";
import { LIST_FILTERS } from "../../api/listFilters";
import { filtersOfTab, queryFromSearch, searchFromQuery } from "./listQuery";

describe("the list's address", () => {
  it("round-trips the tab, filters and sort", () => {
    const search = new URLSearchParams("tab=qualified&status=received,accepted&country=US&sort=customer_name");
    const query = queryFromSearch(search);
    expect(query).toEqual({
      tab: "qualified",
      status: ["received", "accepted"],
      country: ["US"],
      sort: "customer_name",
    });
    const search2 = searchFromQuery(query);
    expect(search2.get("status")).toBe("received,accepted");
    expect(queryFromSearch(search2)).toEqual(query);
  });

  it("drops empty values, the cursor and the page size", () => {
    const query = queryFromSearch(new URLSearchParams("status=&customer_name=%20,"));
    expect(query).toEqual({});
    expect(searchFromQuery({ limit: 25, cursor: "abc", status: [] }).toString()).toBe("");
  });

  it("offers a tab the filters the API says it offers, and reads no other from the address", () => {
    expect(filtersOfTab("marketplace")).toEqual(Object.keys(LIST_FILTERS));
    expect(filtersOfTab("favorites")).toEqual(Object.keys(LIST_FILTERS));
    expect(filtersOfTab("qualified")).not.toContain("lead_source");
    expect(filtersOfTab("qualified")).not.toContain("call_to_action");
    expect(filtersOfTab("qualified")).toContain("status");
    const kept = new URLSearchParams("tab=qualified&lead_source=appsource&call_to_action=free_trial&status=received");
    expect(queryFromSearch(kept)).toEqual({ tab: "qualified", status: ["received"] });
    expect(queryFromSearch(new URLSearchParams("lead_source=appsource"))).toEqual({ lead_source: ["appsource"] });
  });
});
