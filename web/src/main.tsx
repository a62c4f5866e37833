import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { currentSession } from "./auth/session";
import { loadConfig } from "./config";
import { newQueryClient } from "./api/queryClient";
import { prefetchList } from "./features/leads";
import "./styles.css";

const root = createRoot(document.getElementById("root") as HTMLElement);
const queries = newQueryClient();
loadConfig()
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
  .catch((error: Error) => root.render(<p role="alert">LeadDesk could not start: {error.message}</p>));
