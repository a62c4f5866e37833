import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { currentSession } from "./auth/session";
import { loadConfig } from "./config";
import { newQueryClient } from "./api/queryClient";
import { prefetchList } from "./features/leads";
import { initialLanguage, loadCatalog } from "./i18n";
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
  // Before any catalog: config.json is missing, so the page says so in English.
  .catch((error: Error) => root.render(<p role="alert">LeadDesk could not start: {error.message}</p>));
