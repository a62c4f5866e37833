// The list's filters against a mocked API: each control changes the address and the request the
// API receives; a bookmarked address asks for its filters; empty and refused lists.
import { screen, waitFor, within } from "@testing-library/react";
import type { UserEvent } from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { aLead, answer, type Received } from "../../testing/api";
import { renderApp } from "../../testing/render";

const PAGE = {
  items: [
    aLead({ lead_id: "lead-1", customer: { company: "Northwind" } }),
    aLead({ lead_id: "lead-2", customer: { company: "Litware" }, status: "accepted" }),
  ],
  next_cursor: null,
};

/** The last list request's query, as the API received it (repeated names as lists). */
function lastQuery(requests: Received[]): Record<string, string[]> {
  const url = requests.at(-1)?.url;
  const query: Record<string, string[]> = {};
  url?.searchParams.forEach((_, name) => (query[name] = url.searchParams.getAll(name)));
  return query;
}

function address(): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(window.location.search));
}

async function openList(path = "/") {
  const lists = answer("get", "/leads", PAGE);
  const app = renderApp(path);
  await screen.findByRole("link", { name: "Northwind" });
  const filters = screen.getByRole("form", { name: "Filters" });
  return { ...app, lists, filters };
}

/** Choose in a filter's dropdown: the multiselect ones list their choices as checkable menu items. */
async function pick(user: UserEvent, filters: HTMLElement, field: string, ...options: string[]) {
  await user.click(within(filters).getByRole("combobox", { name: field }));
  for (const option of options) await user.click(await screen.findByRole("menuitemcheckbox", { name: option }));
  await user.keyboard("{Escape}");
}

describe("the list's filters", () => {
  it("shows the rows of the first page, asked 25 at a time", async () => {
    const { lists } = await openList();
    expect(screen.getByRole("table", { name: "Leads" })).toBeTruthy();
    expect(screen.getByRole("link", { name: "Litware" })).toBeTruthy();
    expect(lastQuery(lists)).toEqual({ limit: ["25"] });
  });

  it("choices (status, quality) go to the address and to the API", async () => {
    const { user, lists, filters } = await openList();
    await pick(user, filters, "Status", "Received", "Accepted");
    await waitFor(() => expect(lastQuery(lists).status).toEqual(["received", "accepted"]));
    await pick(user, filters, "Quality", "High");
    await waitFor(() => expect(lastQuery(lists)).toEqual({ status: ["received", "accepted"], lead_quality: ["high"], limit: ["25"] }));
    expect(address()).toEqual({ status: "received,accepted", lead_quality: "high" });
  });

  it("a country is picked by its name; the address keeps its code", async () => {
    const { user, lists, filters } = await openList();
    await user.click(within(filters).getByRole("combobox", { name: "Country" }));
    await user.keyboard("fran");
    await user.click(await screen.findByRole("menuitemcheckbox", { name: "France" }));
    await waitFor(() => expect(lastQuery(lists)).toEqual({ country: ["FR"], limit: ["25"] }));
    expect(address()).toEqual({ country: "FR" });
  });

  it("a text filter applies on Enter, and when typing pauses", async () => {
    const { user, lists, filters } = await openList();
    await user.type(within(filters).getByRole("searchbox", { name: "Customer name" }), "North{Enter}");
    await waitFor(() => expect(lastQuery(lists)).toEqual({ customer_name: ["North"], limit: ["25"] }));
    await user.type(within(filters).getByRole("searchbox", { name: "Customer name" }), ", Lit");
    // No Enter, no leaving the field: the pause applies it.
    await waitFor(() => expect(lastQuery(lists)).toEqual({ customer_name: ["North", "Lit"], limit: ["25"] }));
    expect(within(filters).getByRole<HTMLInputElement>("searchbox", { name: "Customer name" }).value).toBe("North, Lit");
  });

  it("a date applies when it is picked", async () => {
    const { user, lists, filters } = await openList();
    await user.type(within(filters).getByLabelText("Created from"), "2026-11-01");
    await waitFor(() => expect(lastQuery(lists)).toEqual({ created_from: ["2026-11-01"], limit: ["25"] }));
    await user.type(within(filters).getByLabelText("Created to"), "2026-11-30");
    await waitFor(() => expect(lastQuery(lists)).toEqual({ created_from: ["2026-11-01"], created_to: ["2026-11-30T23:59:59Z"], limit: ["25"] }));
  });

  it("Clear filters empties every control, and the tab keeps only its own", async () => {
    const { user, lists, filters } = await openList("/?status=received&customer_name=North&country=FR&created_from=2026-11-01");
    expect(within(filters).getByRole<HTMLInputElement>("combobox", { name: "Country" }).value).toBe("France");
    await user.click(within(filters).getByRole("button", { name: "Clear filters" }));
    await waitFor(() => expect(lastQuery(lists)).toEqual({ limit: ["25"] }));
    expect(address()).toEqual({});
    expect(within(filters).getByRole<HTMLInputElement>("searchbox", { name: "Customer name" }).value).toBe("");
    expect(within(filters).getByRole<HTMLInputElement>("combobox", { name: "Country" }).value).toBe("");
    expect(within(filters).getByLabelText<HTMLInputElement>("Created from").value).toBe("");
    expect(within(filters).getByRole("combobox", { name: "Status" }).textContent).not.toContain("Received");
    await user.click(screen.getByRole("tab", { name: /Qualified leads/ }));
    await waitFor(() => expect(lastQuery(lists)).toEqual({ tab: ["qualified"], limit: ["25"] }));
  });

  it("column headers sort, and a second click reverses the direction", async () => {
    const { user, lists } = await openList();
    const header = (name: RegExp) => within(screen.getByRole("table", { name: "Leads" })).getByRole("columnheader", { name });
    const sortBy = async (name: string) => user.click(within(screen.getByRole("table", { name: "Leads" })).getByRole("button", { name }));
    expect(header(/Created/).getAttribute("aria-sort")).toBe("descending");
    await sortBy("Customer");
    await waitFor(() => expect(lastQuery(lists)).toEqual({ sort: ["customer_name"], limit: ["25"] }));
    await waitFor(() => expect(header(/Customer/).getAttribute("aria-sort")).toBe("ascending"));
    await sortBy("Customer");
    await waitFor(() => expect(lastQuery(lists)).toEqual({ sort: ["customer_name"], order: ["desc"], limit: ["25"] }));
    await waitFor(() => expect(header(/Customer/).getAttribute("aria-sort")).toBe("descending"));
    await sortBy("Estimated value");
    await waitFor(() => expect(lastQuery(lists)).toEqual({ sort: ["estimated_value"], limit: ["25"] }));
  });

  it("offers only the filters of the tab: no lead source or call to action on qualified leads", async () => {
    const { filters } = await openList("/?tab=qualified");
    expect(within(filters).queryByRole("combobox", { name: "Source" })).toBeNull();
    expect(within(filters).queryByRole("combobox", { name: "Call to action" })).toBeNull();
    expect(within(filters).getByRole("combobox", { name: "Status" })).toBeTruthy();
  });

  it("offers lead source and call to action on marketplace leads", async () => {
    const { filters } = await openList("/?tab=marketplace");
    expect(within(filters).getByRole("combobox", { name: "Source" })).toBeTruthy();
    expect(within(filters).getByRole("combobox", { name: "Call to action" })).toBeTruthy();
  });

  it("a bookmarked address asks for its filters and shows them in the controls", async () => {
    const { lists, filters } = await openList("/?status=accepted&country=US&sort=estimated_value");
    expect(lastQuery(lists)).toEqual({ status: ["accepted"], country: ["US"], sort: ["estimated_value"], limit: ["25"] });
    expect(within(filters).getByRole("combobox", { name: "Status" }).textContent).toContain("Accepted");
    expect(within(filters).getByRole<HTMLInputElement>("combobox", { name: "Country" }).value).toBe("United States");
  });

  it("a bad value in the address is left out and said beside its control: the list still shows", async () => {
    const { lists, filters } = await openList("/?country=France&created_from=yesterday");
    expect(lastQuery(lists)).toEqual({ limit: ["25"] });
    expect(within(filters).getByText("Left out, not a value of this filter: France")).toBeTruthy();
    expect(within(filters).getByText("Left out, not a date: yesterday")).toBeTruthy();
    expect(screen.getByRole("link", { name: "Litware" })).toBeTruthy();
  });

  it("a filter the API refuses says so with a way out, not a broken page", async () => {
    const lists = answer("get", "/leads", { message: "customer_name: too many values", field: "customer_name" }, 400);
    const { user } = renderApp("/?customer_name=a,b,c");
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("A filter was refused: customer_name: too many values");
    answer("get", "/leads", PAGE);
    await user.click(within(alert).getByRole("button", { name: "Clear filters" }));
    expect(await screen.findByRole("link", { name: "Northwind" })).toBeTruthy();
    expect(lists).toHaveLength(1);
  });

  it("says why a list is empty: filters, an empty tab, no favorite yet", async () => {
    answer("get", "/leads", { items: [], next_cursor: null });
    const { user } = renderApp("/?country=FR");
    expect(await screen.findByText("No leads match these filters.")).toBeTruthy();
    const [, besideTheMessage] = screen.getAllByRole("button", { name: "Clear filters" }); // the form's, the message's
    if (!besideTheMessage) throw new Error("the empty list offers no Clear filters");
    await user.click(besideTheMessage);
    expect(await screen.findByText("No leads in this tab yet. New ones appear here as they arrive.")).toBeTruthy();
    await user.click(screen.getByRole("tab", { name: /Favorites/ }));
    expect(await screen.findByText("No favorites yet. Mark a lead with the heart to find it here.")).toBeTruthy();
  });

  it("Export sends the list's filters and sort, and opens the export", async () => {
    const started = answer("post", "/exports", {
      export_id: "exp-1",
      status: "queued",
      rows: 0,
      request: { tab: "marketplace", status: ["received"], sort: "customer_name", bom: false, include_test: false },
      created_at: "2026-12-06T02:00:00Z",
    });
    answer("get", "/exports/:exportId", {
      export_id: "exp-1",
      status: "succeeded",
      rows: 2,
      request: { tab: "marketplace", status: ["received"], sort: "customer_name", bom: false, include_test: false },
      created_at: "2026-12-06T02:00:00Z",
      download_url: "https://files.test/exp-1.csv",
    });
    const { user } = await openList("/?status=received&sort=customer_name");
    await user.click(screen.getByRole("button", { name: "Export" }));
    expect(await screen.findByRole("link", { name: "Download CSV" })).toBeTruthy();
    expect(started.map((request) => request.body)).toEqual([{ status: ["received"], sort: "customer_name" }]);
    expect(window.location.pathname).toBe("/app/exports/exp-1");
    expect(screen.getByText(/filters: Status: Received; sorted by Customer name/)).toBeTruthy();
  });
});

describe("the work queue", () => {
  const DAY = 86_400_000;
  const summary = {
    tabs: {
      marketplace: { total: 37, by_status: { received: 7, accepted: 10, archived: 20, informational: 0 } },
      qualified: { total: 0, by_status: {} },
      favorites: { total: 0, by_status: {} },
    },
  };

  it("Needs response lists the received leads expiring soonest first, with the time left on each row", async () => {
    answer("get", "/leads/summary", summary);
    const lists = answer("get", "/leads", {
      items: [
        aLead({ lead_id: "lead-1", customer: { company: "Northwind" }, expires_at: new Date(Date.now() + 2 * DAY + 3_600_000).toISOString() }),
        aLead({ lead_id: "lead-2", customer: { company: "Litware" }, expires_at: new Date(Date.now() + 13 * DAY + 3_600_000).toISOString() }),
      ],
      next_cursor: "more",
    });
    const { user } = renderApp("/");
    await screen.findByRole("link", { name: "Northwind" });
    expect(screen.getByRole("status", { name: "" }).textContent).toBe("2 of 37");
    const queue = screen.getByRole("button", { name: /Needs response/ });
    expect(queue.textContent).toContain("7");
    await user.click(queue);
    await waitFor(() => expect(lastQuery(lists)).toEqual({ status: ["received"], order: ["asc"], limit: ["25"] }));
    expect(queue.getAttribute("aria-pressed")).toBe("true");
    const rows = within(screen.getByRole("table", { name: "Leads" })).getAllByRole("row");
    expect(rows[1]?.textContent).toContain("in 2 days");
    expect(rows[2]?.textContent).toContain("in 13 days");
    expect(screen.getAllByRole("status").some((status) => status.textContent === "2 of 7")).toBe(true);
  });

  it("archived rows show their outcome; a filter the counters cannot count shows no total", async () => {
    answer("get", "/leads/summary", summary);
    answer("get", "/leads", {
      items: [
        aLead({ lead_id: "lead-1", customer: { company: "Northwind" }, status: "archived", outcome: "won", flame: "none" }),
        aLead({ lead_id: "lead-2", customer: { company: "Litware" }, status: "archived", outcome: "error", flame: "none" }),
      ],
      next_cursor: null,
    });
    renderApp("/?country=US");
    await screen.findByRole("link", { name: "Northwind" });
    const rows = within(screen.getByRole("table", { name: "Leads" })).getAllByRole("row");
    expect(rows[1]?.textContent).toContain("Won");
    expect(rows[2]?.textContent).toContain("Closed as error");
    expect(screen.getAllByRole("status").some((status) => status.textContent === "2 leads shown")).toBe(true);
  });

  it("says so when nothing needs a response", async () => {
    answer("get", "/leads", { items: [], next_cursor: null });
    renderApp("/?status=received&order=asc");
    expect(await screen.findByText("Nothing needs a response: every received lead has an answer.")).toBeTruthy();
  });
});

describe("the heart", () => {
  it("marks a lead as favorite, and takes a favorite back, then asks the list again", async () => {
    const lists = answer("get", "/leads", {
      items: [aLead({ lead_id: "lead-1", customer: { company: "Northwind" } }), aLead({ lead_id: "lead-2", customer: { company: "Litware" }, favorite: true })],
      next_cursor: null,
    });
    const added = answer("put", "/leads/:leadId/favorite", {}, 204);
    const removed = answer("delete", "/leads/:leadId/favorite", {}, 204);
    const { user } = renderApp("/");
    await user.click(await screen.findByRole("button", { name: "Mark Northwind as favorite" }));
    await waitFor(() => expect(added.map((request) => request.url.pathname)).toEqual(["/leads/lead-1/favorite"]));
    await user.click(screen.getByRole("button", { name: "Remove Litware from favorites" }));
    await waitFor(() => expect(removed.map((request) => request.url.pathname)).toEqual(["/leads/lead-2/favorite"]));
    await waitFor(() => expect(lists.length).toBeGreaterThan(1));
  });

  it("is shown, not offered, to a viewer", async () => {
    answer("get", "/leads", { items: [aLead({ customer: { company: "Litware" }, favorite: true })], next_cursor: null });
    renderApp("/", "viewer");
    expect(await screen.findByRole("img", { name: "Litware is a favorite" })).toBeTruthy();
    expect(screen.queryByRole("button", { name: /favorite/ })).toBeNull();
  });
});
