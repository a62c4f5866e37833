// The message catalogs, one chunk per language, loaded when first needed (dynamic import): the
// first load carries none of them. English is the source: its messages are the default messages
// written in the code (messages/en.json is extracted from it, for translators and the checks).
import type { MessageFormatElement } from "react-intl";
import { PSEUDO, type UiLanguage } from "./languages";

export type Messages = Record<string, string> | Record<string, MessageFormatElement[]>;

const loaders: Record<Exclude<UiLanguage, "en">, () => Promise<Messages>> = {
  fr: () => import("./messages/fr.json").then((module) => module.default),
  it: () => import("./messages/it.json").then((module) => module.default),
  nl: () => import("./messages/nl.json").then((module) => module.default),
  hu: () => import("./messages/hu.json").then((module) => module.default),
  tr: () => import("./messages/tr.json").then((module) => module.default),
  [PSEUDO]: () => import("./pseudo").then((module) => module.pseudoMessages()),
};

const loaded = new Map<UiLanguage, Messages>([["en", {}]]);
const loading = new Map<UiLanguage, Promise<Messages>>();

/** The catalog of `language`, if it is already loaded. */
export function loadedCatalog(language: UiLanguage): Messages | undefined {
  return loaded.get(language);
}

export function loadCatalog(language: UiLanguage): Promise<Messages> {
  const done = loaded.get(language);
  if (done) return Promise.resolve(done);
  let pending = loading.get(language);
  if (!pending) {
    pending = loaders[language as Exclude<UiLanguage, "en">]().then((messages) => {
      loaded.set(language, messages);
      return messages;
    });
    pending.catch(() => loading.delete(language));
    loading.set(language, pending);
  }
  return pending;
}
