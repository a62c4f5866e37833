// The lead's page and its forms, day to day, against a mocked API: forms open with what the lead
// carries and send back only what they should, the team editor, gated actions, the contact-first
// page (flame alert, links, copy, phones, referrer, warnings), the history's field changes, and a
// lead that cannot be found.
import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { Lead } from "../../api/client";
import { aLead, answer } from "../../testing/api";
import { renderApp } from "../../testing/render";

const HOUR = 3_600_000;
const ago = (hours: number) => new Date(Date.now() - hours * HOUR).toISOString();

async function openLead(lead: Partial<Lead>, role: "referrals_admin" | "viewer" = "referrals_admin") {
  answer("get", "/leads/:leadId", aLead(lead));
  const app = renderApp("/leads/lead-1", role);
  await screen.findByRole("heading", { name: lead.customer?.company ?? "Northwind" });
  return app;
}

const ANA = { name: "Ana Team", email: "ana@contoso.test", phone: "+3612345678" };

describe("the forms never lose data", () => {
  it("accept opens with what a sales-qualified lead carries, and sends it back with the team", async () => {
    const qualified: Partial<Lead> = { lead_type: "sales_qualified", tab: "qualified", estimated_value: 85000, currency: "EUR", campaign_id: "FY27-ERP-EMEA", notes: "400 seats" };
    const { user } = await openLead(qualified);
    const sent = answer("post", "/leads/:leadId/accept", aLead({ ...qualified, status: "accepted", actions: [] }));
    await user.click(screen.getByRole("button", { name: "Accept" }));
    const form = await screen.findByRole("dialog", { name: "Accept this lead" });

    expect(within(form).getByRole<HTMLInputElement>("spinbutton", { name: /Estimated value/ }).value).toBe("85000");
    expect(within(form).getByRole<HTMLInputElement>("combobox", { name: /Currency/ }).value).toBe("EUR — Euro");
    expect(within(form).getByRole<HTMLInputElement>("textbox", { name: /Campaign id/ }).value).toBe("FY27-ERP-EMEA");
    await user.type(within(form).getByRole("textbox", { name: /Deal name/ }), "ERP rollout");
    await user.type(within(form).getByLabelText(/Estimated close date/), "2027-03-31");
    // One member added with the button, a second typed but not added: both are sent.
    await user.type(within(form).getByRole("textbox", { name: "Team member name" }), ANA.name);
    await user.type(within(form).getByRole("textbox", { name: "Team member email" }), ANA.email);
    await user.type(within(form).getByRole("textbox", { name: "Team member phone" }), ANA.phone);
    await user.click(within(form).getByRole("button", { name: "Add team member" }));
    expect(within(form).getByRole("button", { name: "Remove Ana Team" })).toBeTruthy();
    await user.type(within(form).getByRole("textbox", { name: "Team member name" }), "Bo");
    await user.type(within(form).getByRole("textbox", { name: "Team member email" }), "bo@contoso.test");
    await user.click(within(form).getByRole("button", { name: "Accept" }));

    await waitFor(() => expect(sent).toHaveLength(1));
    expect(sent[0]?.body).toEqual({
      deal_name: "ERP rollout",
      estimated_value: 85000,
      currency: "EUR",
      estimated_close_date: "2027-03-31",
      campaign_id: "FY27-ERP-EMEA",
      notes: "400 seats",
      team: [ANA, { name: "Bo", email: "bo@contoso.test" }],
    });
  });

  it("the currency is picked by code or by name from the ISO 4217 list", async () => {
    const { user } = await openLead({});
    await user.click(screen.getByRole("button", { name: "Accept" }));
    const form = await screen.findByRole("dialog", { name: "Accept this lead" });
    await user.click(within(form).getByRole("combobox", { name: /Currency/ }));
    await user.keyboard("{Control>}a{/Control}forint");
    await user.click(await screen.findByRole("option", { name: "HUF — Hungarian Forint" }));
    expect(within(form).getByRole<HTMLInputElement>("combobox", { name: /Currency/ }).value).toBe("HUF — Hungarian Forint");
  });

  it("a team member needs a name and an email address", async () => {
    const { user } = await openLead({});
    await user.click(screen.getByRole("button", { name: "Accept" }));
    const form = await screen.findByRole("dialog", { name: "Accept this lead" });
    await user.type(within(form).getByRole("textbox", { name: "Team member email" }), "not-an-address");
    await user.click(within(form).getByRole("button", { name: "Add team member" }));
    expect(within(form).getByText("Enter the team member's name")).toBeTruthy();
    expect(within(form).getByText("Enter an email address such as name@example.com")).toBeTruthy();
    expect(within(form).getByText("No team member yet.")).toBeTruthy();
  });

  it("edit opens with the current values, saves with Save and sends only what changed", async () => {
    const accepted: Partial<Lead> = { status: "accepted", deal_name: "ERP rollout", estimated_value: 85000, currency: "EUR", estimated_close_date: "2027-03-31", crm_id: "CRM-7", team: [ANA] };
    const { user } = await openLead(accepted);
    const sent = answer("patch", "/leads/:leadId", aLead({ ...accepted, team: [] }));
    await user.click(screen.getByRole("button", { name: "Edit" }));
    const form = await screen.findByRole("dialog", { name: "Edit this lead" });

    expect(within(form).getByRole<HTMLInputElement>("textbox", { name: /Deal name/ }).value).toBe("ERP rollout");
    expect(within(form).getByRole<HTMLInputElement>("textbox", { name: /CRM id/ }).value).toBe("CRM-7");
    expect(within(form).queryByRole("button", { name: "Edit" })).toBeNull();
    await user.click(within(form).getByRole("button", { name: "Save" }));
    expect(within(form).getByText("Nothing changed yet: change a field or the team, or cancel")).toBeTruthy();
    expect(sent).toHaveLength(0);

    await user.click(within(form).getByRole("button", { name: "Remove Ana Team" }));
    await user.click(within(form).getByRole("button", { name: "Save" }));
    await waitFor(() => expect(sent).toHaveLength(1));
    expect(sent[0]?.body).toEqual({ team_remove: [ANA.email] });
  });
});

describe("gated actions", () => {
  it("won and convert stay visible but disabled, with the missing steps named", async () => {
    const { user } = await openLead({ status: "accepted", missing_steps: ["qualify", "evaluate"] });
    const won = screen.getByRole("button", { name: "Won" });
    expect(won.getAttribute("aria-disabled")).toBe("true");
    expect(screen.getByRole("button", { name: "Convert" }).getAttribute("aria-disabled")).toBe("true");
    const why = screen.getByText(/Won and Convert need/);
    expect(why.textContent).toBe("Won and Convert need qualification and evaluation (budget, authority, need, timeline) first.");
    expect(won.getAttribute("aria-describedby")).toBe(why.id);
    await user.click(won);
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(screen.getByRole("button", { name: "Qualify" }).getAttribute("aria-disabled")).toBeNull();
  });
});

describe("the lead page is contact-first", () => {
  it("a hot lead says at the top to contact the customer quickly, with the time since the request", async () => {
    await openLead({ flame: "hot", created_at: ago(5) });
    const alert = screen.getByRole("alert");
    expect(alert.textContent).toContain("The customer asked to be contacted");
    expect(alert.textContent).toContain("5 hours ago");
    expect(alert.textContent).toContain("Contact the customer as quickly as possible");
  });

  it("after 72 hours the message changes (still worth contacting)", async () => {
    await openLead({ flame: "cooling", created_at: ago(80) });
    expect(screen.queryByRole("alert")).toBeNull();
    const status = screen.getAllByRole("status").find((element) => element.textContent?.includes("Still worth contacting"));
    expect(status?.textContent).toContain("3 days ago, more than 72 hours ago");
  });

  it("email and phone are links with copy buttons; the phone in international format", async () => {
    const { user } = await openLead({
      customer: { company: "Northwind", first_name: "Ana", email: "ana@northwind.test", phone: "+902125550123", country: "TR" },
      phone_validity: "valid",
    });
    expect(screen.getByRole("link", { name: "ana@northwind.test" }).getAttribute("href")).toBe("mailto:ana@northwind.test");
    expect(screen.getByRole("link", { name: "+90 212 555 01 23" }).getAttribute("href")).toBe("tel:+902125550123");
    await user.click(screen.getByRole("button", { name: "Copy the phone number" }));
    expect(await navigator.clipboard.readText()).toBe("+90 212 555 01 23");
    await user.click(screen.getByRole("button", { name: "Copy the email address" }));
    expect(await navigator.clipboard.readText()).toBe("ana@northwind.test");
    expect(screen.getAllByText("Copied").length).toBeGreaterThan(0);
  });

  it("shows the referrer and the team with their contacts", async () => {
    await openLead({
      lead_type: "sales_qualified",
      referrer: { kind: "operator", name: "Sam Seller", email: "sam@operator.test" },
      status: "accepted",
      team: [ANA],
    });
    expect(screen.getByText("Referred by")).toBeTruthy();
    expect(screen.getByText(/Sam Seller \(operator's seller\)/)).toBeTruthy();
    expect(screen.getByRole("link", { name: "sam@operator.test" }).getAttribute("href")).toBe("mailto:sam@operator.test");
    expect(screen.getByRole("link", { name: ANA.email }).getAttribute("href")).toBe(`mailto:${ANA.email}`);
    expect(screen.getByRole("link", { name: "+36 1 234 5678" }).getAttribute("href")).toBe("tel:+3612345678");
  });

  it("a spam or invalid contact is warned about where it cannot be missed", async () => {
    await openLead({ email_validity: "spam", phone_validity: "invalid", lead_quality: "low", flame: "hot", created_at: ago(1) });
    expect(screen.getByText("Check this contact before you reply")).toBeTruthy();
    expect(screen.getByText("The email address is a known spam source.")).toBeTruthy();
    expect(screen.getByText("The phone number is not valid for the customer's country.")).toBeTruthy();
    expect(screen.getByText("Low quality: this may be a spam lead.")).toBeTruthy();
  });

  it("quality reasons read as sentences, one per line", async () => {
    await openLead({ quality_reasons: ["no company named", "email valid"] });
    const reasons = screen.getByRole("list", { name: "Why this quality" });
    expect(within(reasons).getAllByRole("listitem").map((item) => item.textContent)).toEqual(["No company named", "Email validity: Valid"]);
  });

  it("the history shows each edited field with its old and new value, and who changed it", async () => {
    await openLead({
      status: "accepted",
      history: [
        {
          at: "2026-12-02T10:00:00Z",
          actor: "9f1c-uuid",
          actor_name: "ana@contoso.test",
          action: "edit",
          from_status: "accepted",
          to_status: "accepted",
          changes: [
            { field: "estimated_value", from: 85000, to: 90000 },
            { field: "team", from: [], to: [ANA] },
          ],
        },
      ],
    });
    const text = screen.getByRole("list", { name: "History" }).textContent ?? "";
    expect(text).toContain("Edit by ana@contoso.test");
    expect(text).toContain("Estimated value: 85,000 → 90,000");
    expect(text).toContain("Team: — → Ana Team");
    expect(text).not.toContain("Accepted → Accepted");
  });

  it("another partner's or an unknown lead says so, with a way back to the list", async () => {
    answer("get", "/leads/:leadId", { message: "no lead 01M9 for this partner" }, 404);
    renderApp("/leads/01M9");
    expect(await screen.findByRole("heading", { name: "This lead cannot be found" })).toBeTruthy();
    expect(screen.getByRole("link", { name: "← Back to the list" })).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Try again" })).toBeNull();
  });
});
