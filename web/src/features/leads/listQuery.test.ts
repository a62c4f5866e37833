import { describe, expect, it } from "vitest";
import { queryFromSearch, searchFromQuery } from "./listQuery";

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
});
