// The workspace's languages, catalogs and formats (shared code).
export { defineMessages } from "./define";
export { I18nProvider, useLanguage } from "./I18nProvider";
export { loadCatalog, loadedCatalog } from "./catalogs";
export { formats, useFormats, type Formats } from "./format";
export { initialLanguage, intlLocale, LANGUAGES, PSEUDO, usable, type Language, type UiLanguage } from "./languages";
