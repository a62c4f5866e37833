// The action center against a mocked API: open and resolved items, the state filter, the open count,
// marking read.
import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { answer } from "../../testing/api";
import { renderApp } from "../../testing/render";

const ITEMS = [
  {
    notification_id: "20261201T100000000000Z.new_lead.01A",
    kind: "new_lead",
    at: "2026-12-01T10:00:00Z",
    message: "New lead",
    read: false,
    state: "open",
    lead_id: "01A",
    company: "Waiting Co",
    lead_type: "offer",
    flame: "none",
  },
  {
    notification_id: "20261201T090000000000Z.new_lead.01B",
    kind: "new_lead",
    at: "2026-12-01T09:00:00Z",
    message: "New lead",
    read: true,
    state: "resolved",
    resolved_at: "2026-12-01T11:00:00Z",
    lead_id: "01B",
    company: "Accepted Co",
    lead_type: "offer",
    flame: "none",
  },
  {
    notification_id: "20261201T080000000000Z.no_recipient.offer-2026-12-01",
    kind: "no_recipient",
    at: "2026-12-01T08:00:00Z",
    message: "Nobody was notified",
    read: false,
    state: "open",
    lead_id: "01C",
    lead_type: "offer",
  },
];

describe("the action center", () => {
  it("shows resolved items as resolved, counts the open ones and asks for one state", async () => {
    const asked = answer("get", "/notifications", { items: ITEMS, unread: 2, open: 2, next_cursor: null });
    const { user } = renderApp("/notifications", "referrals_admin");
    const list = await screen.findByRole("list", { name: "Notifications" });
    const [waiting, accepted, nobody] = within(list).getAllByRole("listitem") as [HTMLElement, HTMLElement, HTMLElement];
    expect(within(accepted).getByText("Resolved")).toBeTruthy();
    expect(within(waiting).queryByText("Resolved")).toBeNull();
    expect(nobody.textContent).toContain("Nobody notified");
    expect(nobody.textContent).toContain("Referrals admin role");
    expect(screen.getAllByLabelText("2 open").length).toBeGreaterThan(0);

    await user.click(screen.getByRole("tab", { name: /^Open/ })); // Fluent repeats a tab's text for its bold width
    await screen.findByRole("list", { name: "Notifications" });
    // The frame's badge asks for state=open too (limit 1): only the feed's own requests count.
    const feedStates = () =>
      asked.filter((request) => request.url.searchParams.get("limit") !== "1").map((request) => request.url.searchParams.get("state"));
    await waitFor(() => expect(feedStates()).toEqual(["all", "open"]));
  });

  it("marks one item read, or all of them, for an admin; and asks the feed again", async () => {
    const asked = answer("get", "/notifications", { items: ITEMS, unread: 2, open: 2, next_cursor: null });
    const one = answer("post", "/notifications/:notificationId/read", {}, 204);
    const all = answer("post", "/notifications/read-all", {}, 204);
    const { user } = renderApp("/notifications", "profile_admin");
    const list = await screen.findByRole("list", { name: "Notifications" });
    const [waiting, accepted] = within(list).getAllByRole("listitem") as [HTMLElement, HTMLElement];
    expect(within(accepted).queryByRole("button", { name: "Mark read" })).toBeNull(); // already read
    const before = asked.length;
    await user.click(within(waiting).getByRole("button", { name: "Mark read" }));
    await waitFor(() => expect(one.map((request) => request.url.pathname)).toEqual([`/notifications/${ITEMS[0]?.notification_id}/read`]));
    await waitFor(() => expect(asked.length).toBeGreaterThan(before));
    await user.click(screen.getByRole("button", { name: "Mark all read" }));
    await waitFor(() => expect(all).toHaveLength(1));
  });

  it("offers a viewer no way to mark items read", async () => {
    answer("get", "/notifications", { items: ITEMS, unread: 2, open: 2, next_cursor: null });
    renderApp("/notifications", "viewer");
    await screen.findByRole("list", { name: "Notifications" });
    expect(screen.queryByRole("button", { name: "Mark read" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Mark all read" })).toBeNull();
  });
});
