// The catalogs' checks: en.json is what the code defines (run `npm run i18n:extract` after
// changing a message); every language has every key, no key the code no longer uses, and the
// same placeholders, plurals and tags as the English.
import { parse, TYPE, type MessageFormatElement } from "@formatjs/icu-messageformat-parser";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain ES module of the build's scripts, without types
import { extractEnglish, MESSAGES } from "../../scripts/i18n.mjs";
import { LANGUAGES } from "./languages";

type Catalog = Record<string, string>;

function catalog(language: string): Catalog {
  return JSON.parse(readFileSync(join(MESSAGES as string, `${language}.json`), "utf8")) as Catalog;
}

/** What a message needs from its caller: argument names (with plural/select/number/date kind)
 * and tags, sorted. */
export function placeholders(message: string): string[] {
  const found = new Set<string>();
  const walk = (elements: MessageFormatElement[]) => {
    for (const element of elements) {
      if (element.type === TYPE.argument) found.add(`{${element.value}}`);
      if (element.type === TYPE.number) found.add(`{${element.value}, number}`);
      if (element.type === TYPE.date || element.type === TYPE.time) found.add(`{${element.value}, date}`);
      if (element.type === TYPE.plural) {
        found.add(`{${element.value}, plural}`);
        Object.values(element.options).forEach((option) => walk(option.value));
      }
      if (element.type === TYPE.select) {
        found.add(`{${element.value}, select}`);
        Object.values(element.options).forEach((option) => walk(option.value));
      }
      if (element.type === TYPE.tag) {
        found.add(`<${element.value}>`);
        walk(element.children);
      }
    }
  };
  walk(parse(message));
  return [...found].sort();
}

/** A message's own words: its literal text, arguments apart. */
function words(message: string): string {
  const walk = (elements: MessageFormatElement[]): string =>
    elements
      .map((element) =>
        element.type === TYPE.literal
          ? element.value
          : element.type === TYPE.plural || element.type === TYPE.select
            ? Object.values(element.options).map((option) => walk(option.value)).join(" ")
            : element.type === TYPE.tag
              ? walk(element.children)
              : " ",
      )
      .join("");
  return walk(parse(message));
}

/** The names a message takes, whatever it does with them (a plain {count} in English may be a
 * plural in a language that needs one). */
function names(message: string): string[] {
  return [...new Set(placeholders(message).map((placeholder) => placeholder.replace(/^\{(\w+).*\}$/, "{$1}")))].sort();
}

const english = catalog("en");

/** The messages a language writes exactly as English does (product names, and words it shares
 * with English); any other identical message is a copy left untranslated. */
const SAME_AS_ENGLISH: Record<string, string[]> = {
  fr: ["evaluation.budget", "export.title", "form.notes", "frame.exports", "frame.menu", "history.qualification", "integrations.add.description", "integrations.log.actions", "lead.actions", "lead.contact", "lead.description", "lead.type", "notifications.list", "source.appsource", "source.power_bi", "validity.spam"],
  it: ["callToAction.test_drive", "common.no", "deal.team", "evaluation.budget", "frame.menu", "lead.section.lead", "referrer.partner", "signin.partner", "source.appsource", "source.azure_marketplace", "source.power_bi", "validity.spam"],
  nl: ["app.title", "deal.team", "evaluation.budget", "export.title", "exports.column.filters", "exports.column.leads", "field.status", "frame.exports", "frame.leads", "frame.menu", "integrations.log.status", "lead.section.deal", "lead.section.lead", "lead.type", "leads.filters", "leads.showFilters", "leads.table", "leads.title", "referrer.partner", "signin.partner", "source.appsource", "source.azure_marketplace", "source.power_bi", "validity.spam"],
  hu: ["referrer.partner", "signin.partner", "source.appsource", "source.azure_marketplace", "source.power_bi", "validity.spam"],
  tr: ["source.appsource", "source.power_bi"],
};
const translations = LANGUAGES.filter(({ code }) => code !== "en").map(({ code }) => code);

describe("the message catalogs", () => {
  it("en.json holds exactly the messages the code defines", async () => {
    const extracted = (await extractEnglish()) as Catalog;
    expect(english, "run `npm run i18n:extract` and commit src/i18n/messages/en.json").toEqual(extracted);
  }, 60_000);

  it.each(translations)("%s has every key, and no key the code does not use", (language) => {
    const translated = catalog(language);
    const missing = Object.keys(english).filter((id) => !(id in translated));
    const unused = Object.keys(translated).filter((id) => !(id in english));
    expect({ missing, unused }).toEqual({ missing: [], unused: [] });
    expect(Object.entries(translated).filter(([, text]) => !text.trim())).toEqual([]);
  });

  it.each(translations)("%s translates every message but the words it shares with English", (language) => {
    const translated = catalog(language);
    const copied = Object.keys(english).filter(
      (id) => translated[id] === english[id] && /\p{L}/u.test(words(english[id] ?? "")) && !(SAME_AS_ENGLISH[language] ?? []).includes(id),
    );
    expect(copied).toEqual([]);
  });

  it.each(translations)("%s keeps the English placeholders, plurals and tags", (language) => {
    const translated = catalog(language);
    const mismatched = Object.keys(english)
      .filter((id) => id in translated)
      .flatMap((id) => {
        const source = english[id] ?? "";
        const target = translated[id] ?? "";
        const sameNames = JSON.stringify(names(source)) === JSON.stringify(names(target));
        // Whatever English formats (plurals, numbers, dates, tags), the translation formats too.
        const structured = placeholders(source).filter((placeholder) => placeholder.includes(",") || placeholder.startsWith("<"));
        const targetPlaceholders = placeholders(target);
        const sameStructure = structured.every((placeholder) => targetPlaceholders.includes(placeholder));
        return sameNames && sameStructure ? [] : [{ id, english: placeholders(source), [language]: targetPlaceholders }];
      });
    expect(mismatched).toEqual([]);
  });

  it("every message parses, with an `other` case in each plural", () => {
    for (const language of ["en", ...translations]) {
      for (const [id, message] of Object.entries(catalog(language))) {
        expect(() => parse(message), `${language} ${id}`).not.toThrow();
        for (const match of message.matchAll(/\{\s*\w+\s*,\s*plural\s*,/g)) {
          expect(message.slice(match.index), `${language} ${id}`).toMatch(/other\s*\{/);
        }
      }
    }
  });
});
