// One vocabulary with the emails: where the workspace and an email name the same thing (lead
// types, calls to action, quality levels, the lead's fields, the reachability note), they use the
// same words, in English (the emails' msgids) and in every translation (their .po catalogs).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain ES module of the build's scripts, without types
import { MESSAGES, WEB } from "../../scripts/i18n.mjs";
import { LANGUAGES } from "./languages";

/** The workspace's message id → the emails' msgid for the same thing. */
const SHARED: Record<string, string> = {
  "leadType.offer": "Marketplace offer",
  "leadType.profile": "Business profile inquiry",
  "leadType.marketing_qualified": "Marketing qualified",
  "leadType.sales_qualified": "Sales qualified",
  "leadType.joint_planning": "Joint planning",
  "leadType.shared_marketing": "Shared marketing",
  "callToAction.contact_me": "Contact me",
  "callToAction.get_it_now": "Get it now",
  "callToAction.free_trial": "Free trial",
  "callToAction.test_drive": "Test drive",
  "callToAction.create": "Portal purchase",
  "quality.high": "High",
  "quality.medium": "Medium",
  "quality.low": "Low (possible spam)",
  "field.lead_type": "Lead type",
  "field.call_to_action": "Call to action",
  "field.lead_quality": "Quality",
  "field.country": "Country",
  "lead.offer": "Offer",
  "lead.received": "Received",
  "lead.reachabilityOnly": "LeadDesk checks contact details for reachability only; it does not vouch for the customer.",
  "notifications.aCustomer": "a customer",
  "notifications.openExport": "Open the export",
};

/** msgid → msgstr of a gettext catalog (comments and the header apart). */
export function readPo(text: string): Record<string, string> {
  const entries: Record<string, string> = {};
  let field: "msgid" | "msgstr" | undefined;
  let id = "";
  let str = "";
  const unquote = (quoted: string) => JSON.parse(quoted) as string;
  const flush = () => {
    if (id) entries[id] = str;
    id = "";
    str = "";
  };
  for (const line of text.split(/\r?\n/)) {
    const keyword = /^(msgid|msgstr)\s+(".*")\s*$/.exec(line);
    if (keyword) {
      if (keyword[1] === "msgid") flush();
      field = keyword[1] as "msgid" | "msgstr";
      if (field === "msgid") id = unquote(keyword[2] ?? '""');
      else str = unquote(keyword[2] ?? '""');
    } else if (/^".*"$/.test(line.trim()) && field) {
      if (field === "msgid") id += unquote(line.trim());
      else str += unquote(line.trim());
    } else if (!line.trim()) {
      field = undefined;
    }
  }
  flush();
  return entries;
}

function webCatalog(language: string): Record<string, string> {
  return JSON.parse(readFileSync(join(MESSAGES as string, `${language}.json`), "utf8")) as Record<string, string>;
}

function emailCatalog(language: string): Record<string, string> {
  const path = join(WEB as string, "..", "shared", "leaddesk", "locale", language, "LC_MESSAGES", "messages.po");
  return readPo(readFileSync(path, "utf8"));
}

describe("one vocabulary with the emails", () => {
  it("the English names are the emails' msgids", () => {
    const english = webCatalog("en");
    const differing = Object.entries(SHARED).filter(([id, msgid]) => english[id] !== msgid);
    expect(differing).toEqual([]);
  });

  it.each(LANGUAGES.filter(({ code }) => code !== "en").map(({ code }) => code))("%s names them as its emails do", (language) => {
    const web = webCatalog(language);
    const emails = emailCatalog(language);
    const differing = Object.entries(SHARED)
      .map(([id, msgid]) => ({ id, workspace: web[id], email: emails[msgid] }))
      .filter(({ workspace, email }) => workspace !== email);
    expect(differing).toEqual([]);
  });
});
