import { createIntl } from "react-intl";
import { describe, expect, it } from "vitest";
import french from "../../i18n/messages/fr.json";
import { qualityReason } from "./qualityReasons";

describe("the quality reasons", () => {
  const intl = createIntl({ locale: "fr", messages: french });

  it("are said in the language when LeadDesk wrote them, and shown as sent otherwise", () => {
    expect(qualityReason(intl, "email unknown: could not check whether tailspin.com accepts email")).toBe(
      "Validité de l'e-mail : Inconnue (impossible de vérifier si tailspin.com accepte les e-mails)",
    );
    expect(qualityReason(intl, "phone valid")).toBe("Validité du téléphone : Valide");
    expect(qualityReason(intl, "medium: reachable through one channel")).toBe("moyenne : joignable par un seul moyen");
    expect(qualityReason(intl, "country not recognised: Atlantis")).toBe("pays non reconnu : Atlantis");
    expect(qualityReason(intl, "email invalid: The email address is not valid.")).toBe(
      "Validité de l'e-mail : Non valide (The email address is not valid.)",
    );
    expect(qualityReason(intl, "something new")).toBe("something new");
  });
});
