// The settings form against a mocked API: what it sends, "Saved.", and the API's refusals.
import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { answer } from "../../testing/api";
import { renderApp } from "../../testing/render";

const SAVED = {
  preferred_email: null,
  referral_admin_emails: ["ana@contoso.test"],
  locations: { DE: "kontakt@contoso.de" },
  language: "en",
};

async function openSettings(role: "referrals_admin" | "profile_admin" | "viewer" = "profile_admin") {
  const app = renderApp("/settings", role);
  const form = await screen.findByRole("form", { name: "Notification settings" });
  return { ...app, form };
}

describe("the settings form", () => {
  it("sends the addresses, locations and language, and says it saved them", async () => {
    answer("get", "/settings", SAVED);
    const sent = answer("put", "/settings", { ...SAVED, language: "fr" });
    const { user, form } = await openSettings();
    expect((within(form).getByRole("textbox", { name: /Referral admins/ }) as HTMLTextAreaElement).value).toBe(
      "ana@contoso.test",
    );
    await user.type(within(form).getByRole("textbox", { name: /Preferred email/ }), "leads@contoso.test");
    await user.type(within(form).getByRole("textbox", { name: /Referral admins/ }), "{Enter}bo@contoso.test");
    await user.type(within(form).getByRole("textbox", { name: /Business-profile locations/ }), "{Enter}fr: contact@contoso.fr");
    await user.click(within(form).getByRole("combobox", { name: /Email language/ }));
    await user.click(await screen.findByRole("option", { name: "Français" }));
    await user.type(within(form).getByRole("textbox", { name: /Name shown to customers/ }), "Contoso Consulting");
    await user.click(within(form).getByRole("button", { name: "Save" }));

    await within(form).findByText("Saved.");
    expect(sent.map((request) => request.body)).toEqual([
      {
        preferred_email: "leads@contoso.test",
        referral_admin_emails: ["ana@contoso.test", "bo@contoso.test"],
        locations: { DE: "kontakt@contoso.de", FR: "contact@contoso.fr" },
        language: "fr",
        display_name: "Contoso Consulting",
      },
    ]);
  });

  it("checks the addresses and locations before sending", async () => {
    answer("get", "/settings", SAVED);
    const sent = answer("put", "/settings", SAVED);
    const { user, form } = await openSettings();
    await user.type(within(form).getByRole("textbox", { name: /Referral admins/ }), "{Enter}not-an-address");
    await user.type(within(form).getByRole("textbox", { name: /Business-profile locations/ }), "{Enter}Germany x@y.de");
    await user.click(within(form).getByRole("button", { name: "Save" }));

    expect(within(form).getByText("“not-an-address” is not an email address")).toBeTruthy();
    expect(within(form).getByText(/“Germany x@y.de”: write a country code and one email/)).toBeTruthy();
    expect(sent).toHaveLength(0);
  });

  it("shows the API's refusal of a field under that field", async () => {
    answer("get", "/settings", SAVED);
    const sent = answer(
      "put",
      "/settings",
      {
        message: "referral_admin_emails[1]: bo@contoso.invalid is not deliverable",
        field: "referral_admin_emails[1]",
        errors: [{ field: "referral_admin_emails[1]", in: "body", message: "is not deliverable" }],
      },
      400,
    );
    const { user, form } = await openSettings();
    await user.type(within(form).getByRole("textbox", { name: /Referral admins/ }), "{Enter}bo@contoso.invalid");
    await user.click(within(form).getByRole("button", { name: "Save" }));

    const admins = within(form).getByRole("textbox", { name: /Referral admins/ });
    await waitFor(() => expect(admins.getAttribute("aria-invalid")).toBe("true"));
    expect(within(form).getByText("referral_admin_emails[1]: bo@contoso.invalid is not deliverable")).toBeTruthy();
    expect(within(form).queryByText("Saved.")).toBeNull();
    expect(sent).toHaveLength(1);
  });

  it("shows a refusal of the whole form above the Save button", async () => {
    answer("get", "/settings", SAVED);
    answer("put", "/settings", { message: "Only referral and profile admins may change the settings" }, 403);
    const { user, form } = await openSettings();
    await user.click(within(form).getByRole("button", { name: "Save" }));

    const alert = await within(form).findByRole("alert");
    expect(alert.textContent).toContain("Refused");
    expect(alert.textContent).toContain("Only referral and profile admins may change the settings");
  });

  it("is read-only for a viewer", async () => {
    answer("get", "/settings", SAVED);
    const { form } = await openSettings("viewer");
    expect((within(form).getByRole("textbox", { name: /Preferred email/ }) as HTMLInputElement).disabled).toBe(true);
    expect(within(form).queryByRole("button", { name: "Save" })).toBeNull();
    expect(within(form).getByText("Only referral and profile admins can change these settings.")).toBeTruthy();
  });

  it("warns of the lead types that would reach nobody, and names the Referrals admin people standing in", async () => {
    answer("get", "/settings", {
      ...SAVED,
      referral_admin_emails: [],
      preferred_email: "leads@contoso.test",
      referrals_admin_users: [],
      unreached_lead_types: ["marketing_qualified", "sales_qualified", "shared_marketing"],
    });
    await openSettings();
    const warning = await screen.findByRole("alert");
    expect(warning.textContent).toContain("would notify nobody");
    expect(warning.textContent).toContain("Sales qualified");
  });

  it("says who is emailed while no referral admin email is set", async () => {
    answer("get", "/settings", {
      ...SAVED,
      referral_admin_emails: [],
      referrals_admin_users: ["una@contoso.test"],
      unreached_lead_types: [],
    });
    await openSettings();
    expect(await screen.findByText(/people with the Referrals admin role: una@contoso.test/)).toBeTruthy();
    expect(screen.queryByRole("alert")).toBeNull();
  });
});

describe("the suppressed addresses", () => {
  const BOUNCED = { address: "gone@contoso.test", kind: "bounce", at: "2026-12-01T09:00:00Z", feedback_id: "fb-1" };

  it("lists them and clears one for a referral admin", async () => {
    answer("get", "/settings", SAVED);
    answer("get", "/settings/suppressions", { items: [BOUNCED] });
    const cleared = answer("delete", "/settings/suppressions/:address", null, 204);
    const { user } = await openSettings("referrals_admin");
    const list = await screen.findByRole("list", { name: "Addresses no longer emailed" });
    expect(within(list).getByText("gone@contoso.test")).toBeTruthy();
    expect(list.textContent).toContain("Bounced for good");

    answer("get", "/settings/suppressions", { items: [] });
    await user.click(within(list).getByRole("button", { name: "Clear gone@contoso.test" }));
    await screen.findByText("None: every address is emailed.");
    expect(cleared.map((request) => decodeURIComponent(request.url.pathname))).toEqual([
      "/settings/suppressions/gone@contoso.test",
    ]);
  });

  it("offers no Clear to a profile admin", async () => {
    answer("get", "/settings", SAVED);
    answer("get", "/settings/suppressions", { items: [BOUNCED] });
    await openSettings("profile_admin");
    const list = await screen.findByRole("list", { name: "Addresses no longer emailed" });
    expect(within(list).queryByRole("button")).toBeNull();
  });
});
