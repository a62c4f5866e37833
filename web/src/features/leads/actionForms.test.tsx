// The action forms against a mocked API: what each sends, and what the lead's page shows when the
// API accepts it, refuses it (4xx: its message) or says the lead changed (409/412: its state).
import { screen, waitFor, within } from "@testing-library/react";
import type { UserEvent } from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { ErrorBody, Lead } from "../../api/client";
import { aLead, answer } from "../../testing/api";
import { renderApp } from "../../testing/render";

type Fill = (user: UserEvent, form: HTMLElement) => Promise<void>;

async function choose(user: UserEvent, form: HTMLElement, field: string, option: string) {
  await user.click(within(form).getByRole("combobox", { name: new RegExp(`^${field}`) }));
  await user.click(await screen.findByRole("option", { name: option }));
}

interface Case {
  action: string; // the button's name
  method: "post" | "patch";
  path: string;
  fill: Fill;
  body: Record<string, unknown>;
  answered: Partial<Lead>; // the lead the API answers with
  shows: string; // what the page then shows
  refusedWith: { status: number; body: ErrorBody };
  refusal: string; // what the form then says, in plain words (on the field the API names, if any)
  lead?: Partial<Lead>; // the lead the form opens on (default: a received one)
  submit?: string; // the form's button (default: the action's name)
}

const CASES: Case[] = [
  {
    action: "Accept",
    method: "post",
    path: "/leads/lead-1/accept",
    fill: async (user, form) => {
      await user.type(within(form).getByRole("textbox", { name: /Deal name/ }), "Northwind renewal");
      await user.type(within(form).getByRole("spinbutton", { name: /Estimated value/ }), "1200.50");
      await user.click(within(form).getByRole("combobox", { name: /Currency/ }));
      await user.keyboard("{Control>}a{/Control}euro");
      await user.click(await screen.findByRole("option", { name: "EUR — Euro" }));
      await user.type(within(form).getByLabelText(/Estimated close date/), "2027-01-31");
      await user.type(within(form).getByRole("textbox", { name: /Notes/ }), "Called on Monday");
    },
    body: {
      deal_name: "Northwind renewal",
      estimated_value: 1200.5,
      currency: "EUR",
      estimated_close_date: "2027-01-31",
      notes: "Called on Monday",
    },
    answered: { status: "accepted", deal_name: "Northwind renewal" },
    shows: "Accepted",
    refusedWith: {
      status: 400,
      body: {
        message: "estimated_close_date: must not be in the past",
        field: "estimated_close_date",
        errors: [{ field: "estimated_close_date", in: "body", message: "must not be in the past" }],
      },
    },
    refusal: "must not be in the past",
  },
  {
    action: "Decline",
    method: "post",
    path: "/leads/lead-1/decline",
    fill: async (user, form) => {
      await choose(user, form, "Reason", "Other");
      await user.type(within(form).getByRole("textbox", { name: /Notes/ }), "Bought elsewhere");
    },
    body: { reason: "other", notes: "Bought elsewhere" },
    answered: { status: "archived", outcome: "declined" },
    shows: "Declined",
    refusedWith: {
      status: 409,
      body: { message: "decline is not allowed: the lead is archived", action: "decline", status: "archived", outcome: "expired" },
    },
    refusal: "It is now Archived (Expired).",
  },
  {
    action: "Edit",
    method: "patch",
    path: "/leads/lead-1",
    lead: { status: "accepted", deal_name: "Deal", estimated_value: 1000, currency: "EUR", estimated_close_date: "2027-01-31", crm_id: "CRM-1" },
    submit: "Save",
    fill: async (user, form) => {
      await user.clear(within(form).getByRole("textbox", { name: /Deal name/ }));
      await user.type(within(form).getByRole("textbox", { name: /Deal name/ }), "Bigger deal");
      await user.clear(within(form).getByRole("spinbutton", { name: /Estimated value/ }));
      await user.type(within(form).getByRole("spinbutton", { name: /Estimated value/ }), "5000");
    },
    body: { deal_name: "Bigger deal", estimated_value: 5000 },
    answered: { status: "accepted", deal_name: "Bigger deal" },
    shows: "Bigger deal",
    refusedWith: {
      status: 412,
      body: { message: "The lead changed since it was read: reload it", etag: '"etag-2"', status: "accepted" },
    },
    refusal: "This lead was changed after you opened it",
  },
  {
    action: "Qualify",
    method: "post",
    path: "/leads/lead-1/qualify",
    fill: async (user, form) => {
      await user.click(within(form).getByRole("radio", { name: "No" }));
      await user.type(within(form).getByRole("textbox", { name: /Notes/ }), "Three calls, no answer");
    },
    body: { customer_responded: false, notes: "Three calls, no answer" },
    answered: { status: "accepted", qualification: { customer_responded: false, recorded_at: "2026-12-02T10:00:00Z" } },
    shows: "Customer responded",
    refusedWith: {
      status: 422,
      body: {
        message: "customer_responded: field required",
        field: "customer_responded",
        errors: [{ field: "customer_responded", in: "body", message: "field required" }],
      },
    },
    refusal: "field required",
  },
  {
    action: "Evaluate",
    method: "post",
    path: "/leads/lead-1/evaluate",
    fill: async (user, form) => {
      await choose(user, form, "Budget", "Can buy");
      await user.click(within(form).getByRole("radio", { name: "Yes" }));
      await choose(user, form, "Need", "Must have");
      await choose(user, form, "Timeline", "This quarter");
    },
    body: { budget: "can_buy", authority: true, need: "must_have", timeline: "this_quarter" },
    answered: { status: "accepted", evaluation: { budget: "can_buy", authority: true, need: "must_have", timeline: "this_quarter", recorded_at: "2026-12-02T10:00:00Z" } },
    shows: "Can buy",
    refusedWith: { status: 403, body: { message: "Only referral admins may act on leads" } },
    refusal: "Only referral admins may act on leads",
  },
  {
    action: "Won",
    method: "post",
    path: "/leads/lead-1/won",
    fill: async (user, form) => {
      await user.type(within(form).getByRole("textbox", { name: /Notes/ }), "Signed");
    },
    body: { notes: "Signed" },
    answered: { status: "archived", outcome: "won" },
    shows: "Won",
    refusedWith: {
      status: 409,
      body: { message: "won needs the qualification first", action: "won", status: "accepted", missing: ["qualify"] },
    },
    refusal: "Won needs qualification first.",
  },
  {
    action: "Lost",
    method: "post",
    path: "/leads/lead-1/lost",
    fill: async (user, form) => {
      await choose(user, form, "Reason", "Budget not adequate");
    },
    body: { reason: "budget_not_adequate" },
    answered: { status: "archived", outcome: "lost" },
    shows: "Lost",
    refusedWith: { status: 400, body: { message: "reason: not one of the close reasons", field: "reason" } },
    refusal: "reason: not one of the close reasons",
  },
  {
    action: "Convert",
    method: "post",
    path: "/leads/lead-1/convert",
    fill: async (user, form) => {
      await user.type(within(form).getByRole("textbox", { name: /Opportunity id/ }), "OPP-42");
    },
    body: { opportunity_id: "OPP-42" },
    answered: { status: "archived", outcome: "converted", opportunity_id: "OPP-42" },
    shows: "Converted",
    refusedWith: {
      status: 409,
      body: { message: "convert is not allowed: the lead is archived", action: "convert", status: "archived", outcome: "won" },
    },
    refusal: "It is now Archived (Won).",
  },
  {
    action: "Close as error",
    method: "post",
    path: "/leads/lead-1/close-as-error",
    fill: async (user, form) => {
      await choose(user, form, "Reason", "Duplicate");
    },
    body: { reason: "duplicate" },
    answered: { status: "archived", outcome: "error" },
    shows: "Closed as error",
    refusedWith: { status: 404, body: { message: "no lead lead-1 for this partner" } },
    refusal: "no lead lead-1 for this partner",
  },
];

async function openForm(action: string) {
  // The form's dialog is named for the action; the lead page's button too.
  const app = renderApp("/leads/lead-1");
  await app.user.click(await screen.findByRole("button", { name: action }));
  const form = await screen.findByRole("dialog", { name: `${action} this lead` });
  return { ...app, form };
}

describe.each(CASES)("the $action form", ({ action, method, path, fill, body, answered, shows, refusedWith, refusal, lead, submit }) => {
  it("sends what was filled in and shows the lead as the API answers it", async () => {
    answer("get", "/leads/:leadId", aLead(lead));
    const sent = answer(method, path, aLead({ ...answered, actions: [] }));
    const { user, form } = await openForm(action);
    await fill(user, form);
    await user.click(within(form).getByRole("button", { name: submit ?? action }));

    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(sent.map((request) => request.body)).toEqual([body]);
    expect(screen.getAllByText(shows).length).toBeGreaterThan(0);
    expect(screen.queryByRole("group", { name: "Actions" })).toBeNull(); // the answer allows no more
    if (method === "patch") expect(sent[0]?.headers.get("if-match")).toBe('"etag-1"');
  });

  it(`says in plain words why the API refused (${refusedWith.status}), and keeps what was typed`, async () => {
    const reads = answer("get", "/leads/:leadId", aLead(lead));
    const sent = answer(method, path, refusedWith.body, refusedWith.status);
    const { user, form } = await openForm(action);
    await fill(user, form);
    await user.click(within(form).getByRole("button", { name: submit ?? action }));

    // The form's message bar comes first; a field the API named carries its own message too.
    const [alert] = await within(form).findAllByRole("alert");
    if (!alert) throw new Error("no alert");
    expect(sent).toHaveLength(1);
    expect(form.textContent).toContain(refusal);
    expect(screen.queryByRole("dialog")).not.toBeNull(); // nothing is lost: the form stays open
    const changed = (refusedWith.status === 409 && !refusedWith.body.missing) || refusedWith.status === 412;
    if (changed) {
      expect(alert.textContent).toContain("Someone else changed this lead");
      await user.click(within(alert).getByRole("button", { name: "Reload the lead" }));
      await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
      expect(reads).toHaveLength(2);
    } else {
      expect(alert.textContent).toContain("Not saved");
      expect(alert.textContent).not.toContain("The lead changed");
      expect(within(alert).queryByRole("button", { name: "Reload the lead" })).toBeNull();
    }
  });
});

describe("the action forms' own checks", () => {
  it("send nothing while a required field is missing, and name it", async () => {
    answer("get", "/leads/:leadId", aLead());
    const sent = answer("post", "/leads/:leadId/accept", aLead());
    const { user, form } = await openForm("Accept");
    await user.click(within(form).getByRole("button", { name: "Accept" }));
    expect(within(form).getByText("Deal name is required")).toBeTruthy();
    expect(within(form).getByText("Estimated close date is required")).toBeTruthy();
    expect(sent).toHaveLength(0);
  });

  it("a reason of Other needs notes", async () => {
    answer("get", "/leads/:leadId", aLead());
    const sent = answer("post", "/leads/:leadId/lost", aLead());
    const { user, form } = await openForm("Lost");
    await choose(user, form, "Reason", "Other");
    await user.click(within(form).getByRole("button", { name: "Lost" }));
    expect(within(form).getByText("Notes are required when the reason is Other")).toBeTruthy();
    expect(sent).toHaveLength(0);
  });

  it("a viewer sees no action buttons", async () => {
    answer("get", "/leads/:leadId", aLead());
    renderApp("/leads/lead-1", "viewer");
    await screen.findByRole("heading", { name: "Northwind" });
    expect(screen.queryByRole("group", { name: "Actions" })).toBeNull();
  });
});
