import { StrictMode } from "react";
import { createIntl } from "react-intl";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { currentSession } from "./auth/session";
import { loadConfig } from "./config";
import { newQueryClient } from "./api/queryClient";
import { prefetchList } from "./features/leads";
import { initialLanguage, intlLocale, loadCatalog, loadedCatalog } from "./i18n";
import "./styles.css";

const root = createRoot(document.getElementById("root") as HTMLElement);
const queries = newQueryClient();
// The catalog of the person's language loads beside config.json (English needs none).
const language = initialLanguage();
document.documentElement.lang = language;
Promise.all([loadConfig(), loadCatalog(language).catch(() => undefined)])
  .then(() => {
    // The list's two requests leave now, while React builds the page, not after its first render.
    if (currentSession() && window.location.pathname.replace(/\/+$/, "") === "/app") {
      prefetchList(queries, new URLSearchParams(window.location.search));
    }
    root.render(
      <StrictMode>
        <App queries={queries} />
      </StrictMode>,
    );
  })
  .catch((error: Error) => {
    // Without config.json the app cannot run: say so, in the language if its catalog came.
    const messages = loadedCatalog(language);
    const intl = createIntl({ locale: messages ? intlLocale(language) : "en", defaultLocale: "en", messages: (messages ?? {}) as Record<string, string> });
    root.render(
      <p role="alert">
        {intl.formatMessage({ id: "app.failed", defaultMessage: "LeadDesk could not start: {error}" }, { error: error.message })}
      </p>,
    );
  });
