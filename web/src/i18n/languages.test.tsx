import { cleanup, render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { FormattedMessage, useIntl } from "react-intl";
import { afterEach, describe, expect, it, vi } from "vitest";
import { LanguagePicker } from "../components/LanguagePicker";
import { I18nProvider } from "./I18nProvider";
import { formats } from "./format";
import { initialLanguage } from "./languages";
import { pseudoMessage } from "./pseudo";

afterEach(() => {
  cleanup();
  localStorage.clear();
  vi.unstubAllGlobals();
  document.documentElement.lang = "en";
});

function browserLanguages(languages: string[]) {
  vi.stubGlobal("navigator", { ...navigator, languages, language: languages[0] });
}

describe("the workspace's language", () => {
  it("is the one kept from the last visit, else the browser's first that the workspace speaks, else English", () => {
    browserLanguages(["de-DE", "nl-BE", "fr"]);
    expect(initialLanguage()).toBe("nl");
    localStorage.setItem("leaddesk.language", "it");
    expect(initialLanguage()).toBe("it");
    localStorage.setItem("leaddesk.language", "xx");
    expect(initialLanguage()).toBe("nl");
    browserLanguages(["de-DE", "es"]);
    expect(initialLanguage()).toBe("en");
  });

  it("is picked by its own name; the page then speaks it, says so in <html lang> and keeps it", async () => {
    const user = userEvent.setup();
    function Shown() {
      const intl = useIntl();
      return (
        <p>
          <FormattedMessage id="frame.settings" defaultMessage="Settings" /> · {formats(intl).country("DE")}
        </p>
      );
    }
    render(
      <I18nProvider>
        <LanguagePicker />
        <Shown />
      </I18nProvider>,
    );
    expect(screen.getByText("Settings · Germany")).toBeTruthy();
    await user.click(screen.getByRole("combobox", { name: "Language" }));
    const names = screen.getAllByRole("option").map((option) => option.textContent);
    expect(names).toEqual(["English", "Français", "Italiano", "Nederlands", "Magyar", "Türkçe"]);
    await user.click(screen.getByRole("option", { name: "Français" }));
    await waitFor(() => expect(screen.getByText("Paramètres · Allemagne")).toBeTruthy());
    expect(document.documentElement.lang).toBe("fr");
    expect(localStorage.getItem("leaddesk.language")).toBe("fr");
    expect(screen.getByRole("combobox", { name: "Langue" })).toBeTruthy();
  });
});

describe("the formats", () => {
  it("write amounts, dates with their time zone and countries in the language", async () => {
    const { createIntl } = await import("react-intl");
    const french = formats(createIntl({ locale: "fr", messages: {} }));
    expect(french.money(125000.5, "EUR").replace(/\s/g, " ")).toBe("125 000,50 €");
    expect(french.country("NL")).toBe("Pays-Bas");
    expect(french.date("2027-03-31")).toBe("31 mars 2027");
    expect(french.dateTime("2026-12-01T09:00:00Z")).toMatch(/UTC|GMT|[A-Z]{3,4}|[+-]\d/);
    const turkish = formats(createIntl({ locale: "tr", messages: {} }));
    expect(turkish.country("TR")).toBe("Türkiye");
    expect(turkish.money(10, "USD").replace(/\s/g, " ")).toBe("$10,00");
  });
});

describe("the pseudo-locale", () => {
  it("accents every letter, keeps the placeholders and makes the message longer", async () => {
    const { createIntl } = await import("react-intl");
    const english = "{count, plural, one {# lead} other {# leads}} for {company}";
    const intl = createIntl({ locale: "en", messages: { id: pseudoMessage(english) } });
    const text = intl.formatMessage({ id: "id" }, { count: 2, company: "Contoso" });
    expect(text).toMatch(/^⟦2 ļéàðš ƒöŕ Contoso·+⟧$/);
    expect(text.length).toBeGreaterThanOrEqual(Math.round("2 leads for Contoso".length * 1.3));
  });
});
