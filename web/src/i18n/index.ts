// The workspace's languages, catalogs and formats (shared code).
export { defineMessages } from "./define";
export { I18nProvider, useLanguage } from "./I18nProvider";
export { loadCatalog, loadedCatalog } from "./catalogs";
export { useFormats, type Formats } from "./format";
export { initialLanguage, intlLocale, LANGUAGES, type Language } from "./languages";
