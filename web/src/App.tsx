import { Button, FluentProvider, Text, webLightTheme } from "@fluentui/react-components";
import { QueryClientProvider, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { Suspense, useEffect, useState } from "react";
import { BrowserRouter, Navigate, NavLink, Outlet, Route, Routes, useNavigate } from "react-router-dom";
import { onSessionExpired } from "./api/client";
import { currentSession } from "./auth/session";
import { signOut } from "./auth/signin";
import { ExportPage, ExportsPage } from "./features/exports";
import { LeadPage, LeadsPage } from "./features/leads";
import { NotificationsPage, UnreadBadge } from "./features/notifications";
import { SettingsPage } from "./features/settings";
import { SignInCallback, SignInPage } from "./features/signin";

// The app's shell: the routes and the signed-in frame. Each feature's pages come from its
// index.ts, which decides what loads up front and what loads when first opened.
export function App({ queries }: { queries: QueryClient }) {
  const [client] = useState(queries);
  return (
    <FluentProvider theme={webLightTheme}>
      <QueryClientProvider client={client}>
        <BrowserRouter basename="/app">
          <Suspense fallback={<Text>Loading…</Text>}>
            <Routes>
              <Route path="/signin" element={<SignInPage />} />
              <Route path="/signin/callback" element={<SignInCallback />} />
              <Route element={<SignedIn />}>
                <Route index element={<LeadsPage />} />
                <Route path="/leads/:leadId" element={<LeadPage />} />
                <Route path="/exports" element={<ExportsPage />} />
                <Route path="/exports/:exportId" element={<ExportPage />} />
                <Route path="/notifications" element={<NotificationsPage />} />
                <Route path="/settings" element={<SettingsPage />} />
              </Route>
              <Route path="*" element={<Navigate to="/" replace />} />
            </Routes>
          </Suspense>
        </BrowserRouter>
      </QueryClientProvider>
    </FluentProvider>
  );
}

/** The workspace's frame, for signed-in people only; an expired session returns to sign-in. */
function SignedIn() {
  const navigate = useNavigate();
  const queries = useQueryClient();
  const session = currentSession();
  useEffect(
    () =>
      onSessionExpired(() => {
        queries.clear();
        navigate("/signin", { replace: true, state: { notice: "Your session has expired: sign in again." } });
      }),
    [navigate, queries],
  );
  if (!session) return <Navigate to="/signin" replace />;
  return (
    <div className="shell">
      <header className="top">
        <Text weight="semibold" size={500}>
          LeadDesk
        </Text>
        <nav aria-label="Workspace">
          <NavLink to="/" end>
            Leads
          </NavLink>
          <NavLink to="/notifications">
            Action center
            <UnreadBadge />
          </NavLink>
          <NavLink to="/exports">Exports</NavLink>
          <NavLink to="/settings">Settings</NavLink>
        </nav>
        <Text className="who">
          {session.partnerId} · {session.roles.join(", ")}
        </Text>
        <Button
          appearance="subtle"
          onClick={() => {
            void signOut().then(() => {
              queries.clear();
              navigate("/signin");
            });
          }}
        >
          Sign out
        </Button>
      </header>
      <main className="content">
        <Outlet />
      </main>
    </div>
  );
}
