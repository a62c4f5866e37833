import { createContext, use, useEffect, useState, type ReactNode } from "react";
import { IntlProvider, useIntl } from "react-intl";
import { loadCatalog, loadedCatalog, type Messages } from "./catalogs";
import { initialLanguage, intlLocale, keepLanguage, usable, type UiLanguage } from "./languages";

interface LanguageChoice {
  language: UiLanguage;
  /** Load `language`'s catalog, then show the workspace in it and keep the choice. */
  choose: (language: UiLanguage) => Promise<void>;
}

const LanguageContext = createContext<LanguageChoice>({ language: "en", choose: async () => undefined });

export function useLanguage(): LanguageChoice {
  return use(LanguageContext);
}

/** The workspace's language: its catalog, `<html lang>`, the page's title, and the choice. */
export function I18nProvider({ children }: { children: ReactNode }) {
  const [shown, setShown] = useState(() => {
    const language = usable(initialLanguage());
    return { language, messages: loadedCatalog(language) };
  });

  useEffect(() => {
    if (shown.messages) return;
    // Not preloaded by main.tsx (a test rendering the app): load it, English meanwhile.
    let current = true;
    loadCatalog(shown.language)
      .then((messages) => current && setShown({ language: shown.language, messages }))
      .catch(() => current && setShown({ language: "en", messages: {} }));
    return () => {
      current = false;
    };
  }, [shown]);

  useEffect(() => {
    document.documentElement.lang = shown.language;
  }, [shown.language]);

  const choice: LanguageChoice = {
    language: shown.language,
    choose: async (language) => {
      const messages = await loadCatalog(language);
      keepLanguage(language);
      setShown({ language, messages });
    },
  };
  return (
    <LanguageContext value={choice}>
      <IntlProvider
        locale={intlLocale(shown.language)}
        defaultLocale="en"
        messages={(shown.messages ?? {}) as Record<string, string>}
      >
        <DocumentTitle />
        {children}
      </IntlProvider>
    </LanguageContext>
  );
}

function DocumentTitle() {
  const intl = useIntl();
  const title = intl.formatMessage({ id: "app.title", defaultMessage: "LeadDesk — Leads" });
  useEffect(() => {
    document.title = title;
  }, [title]);
  return null;
}

export type { Messages };
