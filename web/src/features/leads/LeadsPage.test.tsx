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
  const role = field === "Sort" ? "option" : "menuitemcheckbox";
  for (const option of options) await user.click(await screen.findByRole(role, { name: option }));
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

  it("country, customer name and creation dates apply when the field is left", async () => {
    const { user, lists, filters } = await openList();
    await user.type(within(filters).getByRole("textbox", { name: "Country (ISO codes)" }), "us, de");
    await user.type(within(filters).getByRole("textbox", { name: "Customer name" }), "North");
    await user.type(within(filters).getByLabelText("Created from"), "2026-11-01");
    await user.type(within(filters).getByLabelText("Created to"), "2026-11-30");
    await user.tab();
    await waitFor(() =>
      expect(lastQuery(lists)).toEqual({
        country: ["US", "DE"],
        customer_name: ["North"],
        created_from: ["2026-11-01"],
        created_to: ["2026-11-30T23:59:59Z"],
        limit: ["25"],
      }),
    );
    expect(address()).toEqual({
      country: "US,DE",
      customer_name: "North",
      created_from: "2026-11-01",
      created_to: "2026-11-30T23:59:59Z",
    });
  });

  it("sort, tab and Clear filters", async () => {
    const { user, lists, filters } = await openList("/?status=received");
    await pick(user, filters, "Sort", "Customer name");
    await waitFor(() => expect(lastQuery(lists)).toEqual({ status: ["received"], sort: ["customer_name"], limit: ["25"] }));
    await user.click(screen.getByRole("tab", { name: /Qualified leads/ }));
    await waitFor(() => expect(lastQuery(lists).tab).toEqual(["qualified"]));
    await user.click(within(filters).getByRole("button", { name: "Clear filters" }));
    await waitFor(() => expect(lastQuery(lists)).toEqual({ tab: ["qualified"], limit: ["25"] }));
    expect(address()).toEqual({ tab: "qualified" });
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
    expect((within(filters).getByRole("textbox", { name: "Country (ISO codes)" }) as HTMLInputElement).value).toBe("US");
  });

  it("says when nothing matches", async () => {
    answer("get", "/leads", { items: [], next_cursor: null });
    renderApp("/?country=FR");
    expect(await screen.findByText("No leads match: change or clear the filters.")).toBeTruthy();
  });

  it("shows the API's refusal of a filter, and Try again asks again", async () => {
    const lists = answer("get", "/leads", { message: "country: ZZ is not a country code", field: "country" }, 400);
    const { user } = renderApp("/?country=ZZ");
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("Refused");
    expect(alert.textContent).toContain("country: ZZ is not a country code");
    await user.click(within(alert).getByRole("button", { name: "Try again" }));
    await waitFor(() => expect(lists).toHaveLength(2)); // a 4xx is not retried on its own
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
