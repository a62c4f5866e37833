// The Integrations page against a mocked API: adding an endpoint shows its secret once with a copy
// button, "Send test event", the delivery log with retry, editing, and who may see it.
import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { answer } from "../../testing/api";
import { renderApp } from "../../testing/render";

const ENDPOINT = {
  id: "ep_1",
  url: "https://crm.contoso.test/leads",
  events: ["lead.received", "lead.accepted"],
  enabled: true,
  description: "Our CRM",
  created_at: "2026-12-01T09:00:00Z",
  updated_at: "2026-12-01T09:00:00Z",
  disabled_reason: null,
  failing_since: null,
};

const FAILED = {
  id: "msg_01",
  message_id: "msg_01",
  event_type: "lead.received",
  status: "failed",
  attempts: 8,
  last_status_code: 500,
  last_error: "HTTP 500",
  last_attempt_at: "2026-12-02T11:00:00Z",
  next_attempt_at: null,
  created_at: "2026-12-01T09:00:00Z",
};

describe("the Integrations page", () => {
  it("adds an endpoint and shows its secret once, with a copy button", async () => {
    answer("get", "/webhooks", { items: [] });
    const created = answer("post", "/webhooks", { ...ENDPOINT, secret: "whsec_c2VjcmV0LXNob3duLW9uY2U=" }, 201);
    const { user } = renderApp("/integrations");
    const form = await screen.findByRole("form", { name: "Add an endpoint" });
    await screen.findByText("No endpoint yet.");
    await user.type(within(form).getByRole("textbox", { name: /Endpoint URL/ }), "https://crm.contoso.test/leads");
    await user.type(within(form).getByRole("textbox", { name: "Description" }), "Our CRM");
    await user.click(within(form).getByRole("button", { name: "Add endpoint" }));

    const shown = await screen.findByRole("status");
    expect(within(shown).getByText("whsec_c2VjcmV0LXNob3duLW9uY2U=")).toBeTruthy();
    expect(created.map((request) => request.body)).toEqual([{ url: "https://crm.contoso.test/leads", description: "Our CRM" }]);
    await user.click(within(shown).getByRole("button", { name: "Copy secret" }));
    await within(shown).findByRole("button", { name: "Copied" });
    expect(await navigator.clipboard.readText()).toBe("whsec_c2VjcmV0LXNob3duLW9uY2U="); // user-event's clipboard
    await user.click(within(shown).getByRole("button", { name: "Done" }));
    await waitFor(() => expect(screen.queryByText("whsec_c2VjcmV0LXNob3duLW9uY2U=")).toBeNull());
  });

  it("sends a test event, shows the delivery log and retries a delivery", async () => {
    answer("get", "/webhooks", { items: [ENDPOINT] });
    const tested = answer("post", "/webhooks/:id/test", { ...FAILED, id: "msg_02", status: "pending", attempts: 0 }, 202);
    answer("get", "/webhooks/:id/deliveries", { items: [FAILED], next_cursor: null });
    const retried = answer("post", "/webhooks/:id/deliveries/:deliveryId/retry", { ...FAILED, status: "pending" }, 202);
    const { user } = renderApp("/integrations");
    const card = await screen.findByRole("article", { name: ENDPOINT.url });
    expect(within(card).getByText("Enabled")).toBeTruthy();
    await user.click(within(card).getByRole("button", { name: "Send test event" }));

    await within(card).findByText("Test event queued: see the delivery log.");
    expect(tested[0]?.url.pathname).toBe("/webhooks/ep_1/test");
    const log = await within(card).findByRole("table", { name: "Delivery log" });
    const row = within(log).getAllByRole("row")[1] as HTMLElement;
    expect(within(row).getByText("Failed")).toBeTruthy();
    expect(within(row).getByText("500")).toBeTruthy();
    await user.click(within(row).getByRole("button", { name: "Retry lead.received msg_01" }));
    await waitFor(() => expect(retried).toHaveLength(1));
    expect(retried[0]?.url.pathname).toBe("/webhooks/ep_1/deliveries/msg_01/retry");
  });

  it("edits, disables and rotates; a disabled endpoint says why", async () => {
    answer("get", "/webhooks", { items: [{ ...ENDPOINT, enabled: false, disabled_reason: "failing" }] });
    const patched = answer("patch", "/webhooks/:id", ENDPOINT);
    answer("post", "/webhooks/:id/rotate-secret", { secret: "whsec_bmV3", previous_secret_retires_at: "2026-12-03T09:00:00Z" });
    const { user } = renderApp("/integrations");
    const card = await screen.findByRole("article", { name: ENDPOINT.url });
    expect(within(card).getByText("Disabled: every delivery failed for 5 days")).toBeTruthy();
    await user.click(within(card).getByRole("button", { name: "Enable" }));
    await waitFor(() => expect(patched.map((request) => request.body)).toEqual([{ enabled: true }]));

    await user.click(within(card).getByRole("button", { name: "Edit" }));
    const edit = within(card).getByRole("form", { name: "Edit the endpoint" });
    const url = within(edit).getByRole("textbox", { name: /Endpoint URL/ });
    await user.clear(url);
    await user.type(url, "https://crm.contoso.test/v2");
    await user.click(within(edit).getByRole("button", { name: "Save" }));
    await waitFor(() => expect(patched).toHaveLength(2));
    expect(patched[1]?.body).toEqual({ url: "https://crm.contoso.test/v2", description: "Our CRM" });

    await user.click(within(card).getByRole("button", { name: "Rotate secret" }));
    expect(await screen.findByText("whsec_bmV3")).toBeTruthy();
  });

  it("tells anyone but a referral admin that only referral admins manage endpoints, and asks nothing", async () => {
    const listed = answer("get", "/webhooks", { items: [ENDPOINT] });
    renderApp("/integrations", "viewer");
    await screen.findByText("Only referral admins manage the CRM endpoints.");
    expect(screen.queryByRole("form", { name: "Add an endpoint" })).toBeNull();
    expect(listed).toHaveLength(0);
  });

  it("shows the API's refusal of a URL", async () => {
    answer("get", "/webhooks", { items: [] });
    answer("post", "/webhooks", { message: "url: an endpoint must use https", field: "url" }, 422);
    const { user } = renderApp("/integrations");
    const form = await screen.findByRole("form", { name: "Add an endpoint" });
    await user.type(within(form).getByRole("textbox", { name: /Endpoint URL/ }), "http://crm.contoso.test");
    await user.click(within(form).getByRole("button", { name: "Add endpoint" }));
    expect(await within(form).findByText("url: an endpoint must use https")).toBeTruthy();
  });
});
