// The workspace's languages: the six the emails speak, each named in its own language, and a
// pseudo-locale (en-XA) for development and tests, never offered in the picker.
import { config } from "../config";

export const LANGUAGES = [
  { code: "en", name: "English" },
  { code: "fr", name: "Français" },
  { code: "it", name: "Italiano" },
  { code: "nl", name: "Nederlands" },
  { code: "hu", name: "Magyar" },
  { code: "tr", name: "Türkçe" },
] as const;

export type Language = (typeof LANGUAGES)[number]["code"];

/** Accented and longer English: shows hard-coded strings and layouts that break on long text. */
export const PSEUDO = "en-XA";

export type UiLanguage = Language | typeof PSEUDO;

const KEY = "leaddesk.language";

export function isLanguage(code: string): code is Language {
  return LANGUAGES.some((language) => language.code === code);
}

/** The pseudo-locale is for development builds and the local stack (which the tests run). */
export function pseudoAllowed(): boolean {
  if (import.meta.env.DEV) return true;
  try {
    return config().auth.mode === "local";
  } catch {
    return false;
  }
}

function kept(): string | null {
  try {
    return localStorage.getItem(KEY);
  } catch {
    return null;
  }
}

/** The language kept from the last visit, else the first of the browser's languages the
 * workspace speaks, else English. */
export function initialLanguage(): UiLanguage {
  const choice = kept();
  if (choice && isLanguage(choice)) return choice;
  if (choice === PSEUDO) return PSEUDO; // checked against pseudoAllowed() once config.json is loaded
  const preferred = navigator.languages?.length ? navigator.languages : [navigator.language];
  for (const tag of preferred) {
    const base = (tag ?? "").toLowerCase().split("-")[0] ?? "";
    if (isLanguage(base)) return base;
  }
  return "en";
}

/** `language`, unless it is the pseudo-locale where that is not offered. */
export function usable(language: UiLanguage): UiLanguage {
  return language === PSEUDO && !pseudoAllowed() ? "en" : language;
}

export function keepLanguage(language: UiLanguage): void {
  try {
    localStorage.setItem(KEY, language);
  } catch {
    // private mode or storage full: the choice lasts for this visit only
  }
}

/** The locale Intl formats dates, numbers and country names in. */
export function intlLocale(language: UiLanguage): Language {
  return language === PSEUDO ? "en" : language;
}
