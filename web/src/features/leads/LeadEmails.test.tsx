// The lead page's history lists the emails sent about the lead, with their outcome.
import { screen, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { aLead, answer } from "../../testing/api";
import { renderApp } from "../../testing/render";

describe("the lead's emails", () => {
  it("are listed in its history with their recipients and outcome", async () => {
    answer(
      "get",
      "/leads/:leadId",
      aLead({
        emails: [
          { kind: "new_lead", recipients: ["ana@contoso.test", "bo@contoso.test"], at: "2026-12-01T09:01:00Z", outcome: "sent" },
          { kind: "expiring_soon", recipients: ["gone@contoso.test"], at: "2026-12-13T09:00:00Z", outcome: "suppressed" },
        ],
      }),
    );
    renderApp("/leads/lead-1", "viewer");
    const list = await screen.findByRole("list", { name: "Emails about this lead" });
    const [first, second] = within(list).getAllByRole("listitem");
    expect(first?.textContent).toContain("New-lead email to ana@contoso.test, bo@contoso.test");
    expect(first?.textContent).toContain("sent");
    expect(second?.textContent).toContain("not sent: the address bounced or complained earlier");
  });

  it("lists each email, however many share a kind and an outcome", async () => {
    const reminder = { kind: "expiring_soon", at: "2026-12-13T09:00:00Z", outcome: "sent" } as const;
    answer(
      "get",
      "/leads/:leadId",
      aLead({ emails: [{ ...reminder, recipients: ["ana@contoso.test"] }, { ...reminder, recipients: ["bo@contoso.test"] }] }),
    );
    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      renderApp("/leads/lead-1", "viewer");
      const list = await screen.findByRole("list", { name: "Emails about this lead" });
      const items = within(list).getAllByRole("listitem").map((item) => item.textContent);
      expect(items).toHaveLength(2);
      expect(items[0]).toContain("ana@contoso.test");
      expect(items[1]).toContain("bo@contoso.test");
      expect(errors.mock.calls.flat().join(" ")).not.toContain("same key");
    } finally {
      errors.mockRestore();
    }
  });
});
