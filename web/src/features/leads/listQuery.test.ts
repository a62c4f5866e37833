import { describe, expect, it } from "vitest";
import { LIST_FILTERS } from "../../api/listFilters";
import { filtersOfTab, isNeedsResponse, knownTotal, needsResponseQuery, queryFromSearch, rejectedFromSearch, searchFromQuery } from "./listQuery";

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

describe("what the address cannot ask", () => {
  it("a value outside a filter's list, or a date that is none, is left out and reported", () => {
    const search = new URLSearchParams("country=France,us&status=received,gone&created_from=yesterday&sort=price");
    expect(queryFromSearch(search)).toEqual({ country: ["US"], status: ["received"] });
    expect(rejectedFromSearch(search)).toEqual({ country: ["France"], status: ["gone"], created_from: ["yesterday"], sort: ["price"] });
  });
});

describe("the work queue and the totals", () => {
  const summary = {
    tabs: {
      marketplace: { total: 37, by_status: { received: 7, accepted: 10, archived: 20, informational: 0 } },
      qualified: { total: 4, by_status: { received: 4, accepted: 0, archived: 0, informational: 0 } },
      favorites: { total: 0, by_status: { received: 0, accepted: 0, archived: 0, informational: 0 } },
    },
  };

  it("Needs response is the tab's received leads, oldest (expiring soonest) first", () => {
    expect(needsResponseQuery("marketplace")).toEqual({ status: ["received"], order: "asc" });
    expect(needsResponseQuery("qualified")).toEqual({ tab: "qualified", status: ["received"], order: "asc" });
    expect(isNeedsResponse(needsResponseQuery("qualified"))).toBe(true);
    expect(isNeedsResponse({ status: ["received"], order: "asc", country: ["US"] })).toBe(false);
    expect(isNeedsResponse({ status: ["received"] })).toBe(false);
  });

  it("the total is known for a tab with at most a status filter", () => {
    expect(knownTotal({}, summary)).toBe(37);
    expect(knownTotal({ status: ["received", "accepted"], sort: "customer_name" }, summary)).toBe(17);
    expect(knownTotal({ tab: "qualified", status: ["received"], order: "asc" }, summary)).toBe(4);
    expect(knownTotal({ country: ["US"] }, summary)).toBeUndefined();
    expect(knownTotal({ include_test: true }, summary)).toBeUndefined();
    expect(knownTotal({}, undefined)).toBeUndefined();
  });
});
