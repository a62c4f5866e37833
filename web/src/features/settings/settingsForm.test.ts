import { describe, expect, it } from "vitest";
import { english } from "../../testing/intl";
import { parseEmails, parseLocations, type FormProblems } from "./settingsForm";

describe("the settings form's checks", () => {
  it("reads one address per line and names a bad one", () => {
    const problems: FormProblems = {};
    expect(parseEmails("ana@contoso.com\n\n bo@contoso.com ", "admins", problems, english)).toEqual([
      "ana@contoso.com",
      "bo@contoso.com",
    ]);
    expect(problems).toEqual({});
    parseEmails("ana@contoso.com\nnot-an-address", "admins", problems, english);
    expect(problems.admins).toContain("not-an-address");
  });

  it("reads locations as a country code and an email", () => {
    const problems: FormProblems = {};
    expect(parseLocations("de kontakt@partner.de\nFR: contact@partner.fr", problems, english)).toEqual({
      DE: "kontakt@partner.de",
      FR: "contact@partner.fr",
    });
    expect(problems).toEqual({});
    parseLocations("Germany kontakt@partner.de", problems, english);
    expect(problems.locations).toContain("Germany");
  });
});
